<?xml version="1.0" encoding="UTF-8"?>
<!-- Names of persons, places and organisations. A name with @ref into a
     register (persons.xml#kamenev-lb) links to that entry; the browser
     highlights names and shows the entry in a pop-up on demand. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:ed="urn:x-edition:xslt"
    exclude-result-prefixes="xs tei ed">

  <xsl:template match="tei:persName[@ref] | tei:placeName[@ref] | tei:orgName[@ref] | tei:rs[@ref] | tei:name[@ref]">
    <xsl:variable name="target" select="tokenize(@ref)[1]"/>
    <xsl:variable name="register" select="replace(substring-before($target, '#'), '\.xml$', '')"/>
    <xsl:variable name="entity" select="substring-after($target, '#')"/>
    <xsl:choose>
      <!-- a link cannot hold a link: a name inside a ref or inside a linked name (`USSR` in the
           whole `USSR Gosplan`), or holding a note reference or a linked name, is only marked -->
      <xsl:when test="ancestor::tei:ref[@target] or descendant::tei:note or descendant::tei:ptr or descendant::tei:ref[@target]
                      or ancestor::*[self::tei:persName or self::tei:placeName or self::tei:orgName][@ref]
                      or $register = '' or $entity = ''">
        <span class="name name-{ed:name-kind(.)}"><xsl:apply-templates/></span>
      </xsl:when>
      <xsl:otherwise>
        <!-- a link without script; the script takes the href away while the names
             are off, so that hundreds of hidden names are neither links nor tab stops -->
        <a class="name name-{ed:name-kind(.)}" href="{$registers-url}/{$register}/{$entity}"
           data-entity="{$register}/{$entity}">
          <xsl:if test="@cert"><xsl:attribute name="data-cert" select="@cert"/></xsl:if>
          <xsl:apply-templates/>
        </a>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:persName | tei:placeName | tei:orgName | tei:rs | tei:name | tei:geogName | tei:roleName | tei:forename | tei:surname | tei:addName">
    <span class="name name-{ed:name-kind(.)}"><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:function name="ed:name-kind" as="xs:string">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="register" select="replace(substring-before(tokenize($name/@ref)[1], '#'), '\.xml$', '')"/>
    <xsl:sequence select="
      if ($name/self::tei:persName or $register = 'persons') then 'person'
      else if ($name/self::tei:placeName or $name/self::tei:geogName or $register = 'places') then 'place'
      else if ($name/self::tei:orgName or $register = 'orgs') then 'org'
      else 'other'"/>
  </xsl:function>
</xsl:stylesheet>
