<?xml version="1.0" encoding="UTF-8"?>
<!-- One entry of the registers (persons.xml, places.xml, orgs.xml) for its
     page and its pop-up: names, dates, places, description, authority links. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="xs tei">

  <xsl:template match="tei:person | tei:place | tei:org">
    <div class="register-entry" id="{@xml:id}">
      <dl class="entry-fields">
        <xsl:apply-templates select="*"/>
      </dl>
    </div>
  </xsl:template>

  <xsl:template match="tei:person/tei:persName | tei:place/tei:placeName | tei:org/tei:orgName">
    <dt><xsl:value-of select="if (@type) then upper-case(substring(@type, 1, 1)) || substring(@type, 2) || ' name' else if (position() = 1) then 'Name' else 'Also'"/></dt>
    <dd><xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if><xsl:apply-templates/></dd>
  </xsl:template>
  <xsl:template match="tei:person/tei:birth | tei:person/tei:death | tei:person/tei:floruit">
    <dt><xsl:value-of select="map {'birth': 'Born', 'death': 'Died', 'floruit': 'Active'}(local-name())"/></dt>
    <dd><xsl:value-of select="string-join((if (normalize-space(.)) then normalize-space(.) else (@when, @notBefore, @from), ()), ' ')"/></dd>
  </xsl:template>
  <xsl:template match="tei:person/tei:occupation | tei:person/tei:affiliation | tei:person/tei:faith | tei:person/tei:nationality | tei:person/tei:state | tei:person/tei:trait | tei:org/tei:event | tei:place/tei:event">
    <dt><xsl:value-of select="upper-case(substring(local-name(), 1, 1)) || substring(local-name(), 2)"/></dt>
    <dd><xsl:apply-templates/></dd>
  </xsl:template>
  <xsl:template match="tei:place/tei:location">
    <dt>Location</dt><dd><xsl:value-of select="normalize-space(string-join(.//text(), ' '))"/></dd>
  </xsl:template>
  <xsl:template match="tei:person/tei:note | tei:place/tei:note | tei:org/tei:note | tei:place/tei:desc | tei:org/tei:desc">
    <dt>About</dt><dd><xsl:apply-templates/></dd>
  </xsl:template>
  <xsl:template match="tei:person/tei:idno | tei:place/tei:idno | tei:org/tei:idno">
    <dt>Authority<xsl:if test="@type"> (<xsl:value-of select="@type"/>)</xsl:if></dt>
    <dd>
      <xsl:choose>
        <xsl:when test="matches(., '^https?://')"><a href="{normalize-space(.)}"><xsl:value-of select="normalize-space(.)"/></a></xsl:when>
        <xsl:otherwise><code><xsl:value-of select="."/></code></xsl:otherwise>
      </xsl:choose>
    </dd>
  </xsl:template>
  <xsl:template match="tei:person/* | tei:place/* | tei:org/*" priority="-0.5">
    <dt><xsl:value-of select="local-name()"/></dt><dd><xsl:apply-templates/></dd>
  </xsl:template>
</xsl:stylesheet>
