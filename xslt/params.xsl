<?xml version="1.0" encoding="UTF-8"?>
<!-- Every parameter of the HTML rendering, in one place. The viewer sets them
     per request; the defaults render a whole text for a standalone run. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    exclude-result-prefixes="xs">

  <!-- what to render: 'section' (one page of the reading text), 'header', 'entry' (one register entry) -->
  <xsl:param name="view" as="xs:string" select="'section'"/>
  <!-- the page to render: a div's xml:id, or 'front' / 'body' / 'back' for the
       content of that part that stands outside any div -->
  <xsl:param name="section" as="xs:string" select="'body'"/>
  <!-- xml:ids of every div that is a page of its own (space-separated): inside
       another page such a div is shown as a link, not rendered -->
  <xsl:param name="pages" as="xs:string" select="''"/>
  <!-- URL of the text in the viewer, e.g. /text/rogovin -->
  <xsl:param name="text-url" as="xs:string" select="''"/>
  <!-- URL of the registers, e.g. /registers -->
  <xsl:param name="registers-url" as="xs:string" select="'/registers'"/>
  <!-- URL under which the viewer resolves pointers to the edition's files
       (rogovin-bolsheviks-against-stalinism.xml#rogovin.3.p5 -> /edition/FILE/ID) -->
  <xsl:param name="edition-url" as="xs:string" select="'/edition'"/>
  <!-- the register entry to render when view = 'entry' -->
  <xsl:param name="entry" as="xs:string" select="''"/>

  <xsl:variable name="page-ids" as="xs:string*" select="tokenize($pages)"/>
</xsl:stylesheet>
