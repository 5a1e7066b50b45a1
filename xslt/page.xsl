<?xml version="1.0" encoding="UTF-8"?>
<!-- The page driver: imports the modules and renders what the viewer asks
     for ($view): one page of the reading text with its notes, the header,
     or one register entry. The viewer wraps the fragment in its templates. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="xs tei">

  <xsl:import href="params.xsl"/>
  <xsl:import href="structure.xsl"/>
  <xsl:import href="notes.xsl"/>
  <xsl:import href="names.xsl"/>
  <xsl:import href="interventions.xsl"/>
  <xsl:import href="header.xsl"/>
  <xsl:import href="registers.xsl"/>

  <xsl:output method="html" html-version="5" encoding="UTF-8" indent="no" include-content-type="no"/>

  <!-- the page's root: a div, or the content of front/body/back outside divs -->
  <xsl:variable name="page-root" as="element()*" select="
    if ($section = ('front', 'body', 'back')) then /tei:TEI/tei:text/*[local-name() = $section]
    else id($section)"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="$view = 'header'">
        <xsl:apply-templates select="/tei:TEI/tei:teiHeader"/>
      </xsl:when>
      <xsl:when test="$view = 'entry'">
        <xsl:apply-templates select="id($entry)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="section-page"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="section-page">
    <xsl:variable name="content" as="node()*" select="
      if ($page-root/self::tei:div) then $page-root
      else $page-root/node()[not(self::tei:div)]"/>
    <!-- the notes of this page, not of the sub-pages it only links to -->
    <xsl:variable name="sub-pages" select="$content/descendant::tei:div[@xml:id = $page-ids]"/>
    <xsl:variable name="notes" select="$content/descendant-or-self::tei:note[not(@place = 'inline')][empty(ancestor::tei:div intersect $sub-pages)]"/>
    <article class="reading-text" id="page-{$section}">
      <xsl:apply-templates select="$content"/>
      <xsl:call-template name="note-list">
        <xsl:with-param name="notes" select="$notes"/>
      </xsl:call-template>
    </article>
  </xsl:template>
</xsl:stylesheet>
