<?xml version="1.0" encoding="UTF-8"?>
<!-- One entry of the registers (persons.xml, places.xml, orgs.xml) for its
     page and its pop-up: names, dates, places, description, authority links. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:ed="urn:x-edition:xslt"
    exclude-result-prefixes="xs tei ed">

  <!-- the names first, the other names of a kind on one line; then the rest in order -->
  <xsl:template match="tei:person | tei:place | tei:org">
    <xsl:variable name="names" select="tei:persName | tei:placeName | tei:orgName"/>
    <div class="register-entry" id="{@xml:id}">
      <dl class="entry-fields">
        <dt>Name</dt>
        <dd><xsl:apply-templates select="$names[1]/node()"/></dd>
        <xsl:for-each-group select="$names[position() gt 1]" group-by="string((@type, 'other')[1])">
          <dt><xsl:value-of select="(map {'variant': 'Also written', 'alias': 'Also called', 'other': 'Other names',
                                          'preferred': 'Name', 'abbreviation': 'Abbreviated', 'full': 'Full name'}(current-grouping-key()),
                                     upper-case(substring(current-grouping-key(), 1, 1)) || substring(current-grouping-key(), 2) || ' names')[1]"/></dt>
          <dd><xsl:for-each select="current-group()"><xsl:if test="position() gt 1">; </xsl:if><span>
            <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if><xsl:apply-templates/></span></xsl:for-each></dd>
        </xsl:for-each-group>
        <xsl:apply-templates select="* except $names"/>
      </dl>
    </div>
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
        <xsl:when test="lower-case(@type) = 'wikidata' and matches(normalize-space(.), '^Q\d+$')"><a href="https://www.wikidata.org/wiki/{normalize-space(.)}"><xsl:value-of select="normalize-space(.)"/></a></xsl:when>
        <xsl:when test="lower-case(@type) = 'viaf' and matches(normalize-space(.), '^\d+$')"><a href="https://viaf.org/viaf/{normalize-space(.)}"><xsl:value-of select="normalize-space(.)"/></a></xsl:when>
        <xsl:when test="lower-case(@type) = 'geonames' and matches(normalize-space(.), '^\d+$')"><a href="https://www.geonames.org/{normalize-space(.)}"><xsl:value-of select="normalize-space(.)"/></a></xsl:when>
        <xsl:otherwise><code><xsl:value-of select="."/></code></xsl:otherwise>
      </xsl:choose>
    </dd>
  </xsl:template>
  <xsl:template match="tei:person/* | tei:place/* | tei:org/*" priority="-0.5">
    <dt><xsl:value-of select="local-name()"/></dt><dd><xsl:apply-templates/></dd>
  </xsl:template>

</xsl:stylesheet>
