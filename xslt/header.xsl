<?xml version="1.0" encoding="UTF-8"?>
<!-- The teiHeader rendered for a reader: who wrote, translated and edited the
     text, where it comes from, how this edition treats it, what changed. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="xs tei">

  <xsl:template match="tei:teiHeader">
    <div class="tei-header">
      <xsl:apply-templates select="tei:fileDesc, tei:profileDesc, tei:encodingDesc, tei:revisionDesc"/>
    </div>
  </xsl:template>

  <xsl:template match="tei:fileDesc">
    <section class="header-part" id="file-description">
      <h2>The text and this edition</h2>
      <dl class="header-fields">
        <xsl:apply-templates select="tei:titleStmt/*, tei:editionStmt, tei:extent, tei:publicationStmt/*, tei:seriesStmt, tei:notesStmt"/>
      </dl>
      <xsl:apply-templates select="tei:sourceDesc"/>
    </section>
  </xsl:template>

  <xsl:template match="tei:titleStmt/tei:title">
    <dt>Title<xsl:if test="@type and @type != 'main'"> (<xsl:value-of select="@type"/>)</xsl:if></dt>
    <dd><cite><xsl:apply-templates/></cite></dd>
  </xsl:template>
  <xsl:template match="tei:titleStmt/tei:author">
    <dt>Author</dt><dd><xsl:apply-templates/></dd>
  </xsl:template>
  <xsl:template match="tei:titleStmt/tei:editor">
    <dt><xsl:value-of select="if (@role = 'translator') then 'Translator' else 'Editor'"/></dt>
    <dd><xsl:apply-templates/></dd>
  </xsl:template>
  <xsl:template match="tei:titleStmt/tei:funder | tei:titleStmt/tei:sponsor | tei:titleStmt/tei:principal">
    <dt><xsl:value-of select="local-name()"/></dt><dd><xsl:apply-templates/></dd>
  </xsl:template>
  <xsl:template match="tei:respStmt">
    <dt><xsl:apply-templates select="tei:resp"/></dt>
    <dd><xsl:for-each select="* except tei:resp"><xsl:if test="position() gt 1">, </xsl:if><xsl:apply-templates select="."/></xsl:for-each></dd>
  </xsl:template>
  <xsl:template match="tei:resp">
    <xsl:variable name="text" select="normalize-space(.)"/>
    <xsl:value-of select="upper-case(substring($text, 1, 1)) || substring($text, 2)"/>
  </xsl:template>
  <xsl:template match="tei:editionStmt">
    <dt>Edition</dt><dd><xsl:apply-templates select="tei:edition/node() | tei:p/node()"/></dd>
    <xsl:apply-templates select="tei:respStmt"/>
  </xsl:template>
  <xsl:template match="tei:extent">
    <dt>Extent</dt><dd><xsl:apply-templates/></dd>
  </xsl:template>
  <xsl:template match="tei:publicationStmt/tei:publisher | tei:publicationStmt/tei:distributor | tei:publicationStmt/tei:authority">
    <dt>Published by</dt><dd><xsl:apply-templates/></dd>
  </xsl:template>
  <xsl:template match="tei:publicationStmt/tei:pubPlace">
    <dt>Place of publication</dt><dd><xsl:apply-templates/></dd>
  </xsl:template>
  <xsl:template match="tei:publicationStmt/tei:date">
    <dt>Date of publication</dt><dd><xsl:apply-templates/></dd>
  </xsl:template>
  <xsl:template match="tei:publicationStmt/tei:idno">
    <dt>Identifier<xsl:if test="@type"> (<xsl:value-of select="@type"/>)</xsl:if></dt><dd><code><xsl:apply-templates/></code></dd>
  </xsl:template>
  <xsl:template match="tei:publicationStmt/tei:availability">
    <dt>Rights</dt><dd><xsl:apply-templates/></dd>
  </xsl:template>
  <xsl:template match="tei:licence">
    <div class="licence">
      <xsl:choose>
        <xsl:when test="@target and not(*)"><a href="{@target}"><xsl:apply-templates/></a></xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates/>
          <xsl:if test="@target"> <a href="{@target}"><xsl:value-of select="@target"/></a></xsl:if>
        </xsl:otherwise>
      </xsl:choose>
    </div>
  </xsl:template>
  <xsl:template match="tei:seriesStmt | tei:notesStmt">
    <dt><xsl:value-of select="if (self::tei:seriesStmt) then 'Series' else 'Notes'"/></dt><dd><xsl:apply-templates/></dd>
  </xsl:template>

  <xsl:template match="tei:notesStmt/tei:note">
    <p class="header-note"><xsl:apply-templates/></p>
  </xsl:template>

  <xsl:template match="tei:sourceDesc">
    <h3>Source</h3>
    <div class="source-description"><xsl:apply-templates/></div>
  </xsl:template>
  <!-- a bibliographic description reads as a citation: author, title, imprint -->
  <xsl:template match="tei:biblStruct">
    <div class="bibl">
      <p><xsl:apply-templates select="tei:analytic, tei:monogr, tei:series"/></p>
      <xsl:if test="tei:note"><ul class="bibl-notes"><xsl:for-each select="tei:note"><li><xsl:apply-templates/></li></xsl:for-each></ul></xsl:if>
      <xsl:if test="tei:ref"><p class="bibl-links"><xsl:for-each select="tei:ref"><xsl:if test="position() gt 1"> · </xsl:if><xsl:apply-templates select="."/></xsl:for-each></p></xsl:if>
      <xsl:apply-templates select="tei:relatedItem"/>
    </div>
  </xsl:template>
  <xsl:template match="tei:analytic | tei:monogr">
    <xsl:for-each select="tei:author | tei:editor">
      <xsl:apply-templates select="."/><xsl:if test="self::tei:editor"> (<xsl:value-of select="if (@role) then @role else 'ed.'"/>)</xsl:if>
      <xsl:text>, </xsl:text>
    </xsl:for-each>
    <xsl:for-each select="tei:title"><cite class="title"><xsl:apply-templates/></cite><xsl:text>. </xsl:text></xsl:for-each>
    <xsl:apply-templates select="tei:respStmt, tei:edition, tei:imprint, tei:biblScope, tei:extent, tei:idno, tei:note"/>
  </xsl:template>
  <xsl:template match="tei:imprint">
    <xsl:for-each select="tei:pubPlace, tei:publisher, tei:date">
      <xsl:apply-templates select="."/><xsl:value-of select="if (position() = last()) then '. ' else ': '"/>
    </xsl:for-each>
  </xsl:template>
  <xsl:template match="tei:biblStruct//tei:respStmt | tei:bibl//tei:respStmt">
    <xsl:apply-templates select="tei:resp"/><xsl:text> </xsl:text><xsl:apply-templates select="* except tei:resp"/><xsl:text>. </xsl:text>
  </xsl:template>
  <xsl:template match="tei:series">
    <xsl:text>(</xsl:text><xsl:value-of select="string-join((tei:title ! normalize-space(.), tei:biblScope ! ((if (@unit) then @unit || ' ' else '') || normalize-space(.))), ', ')"/><xsl:text>) </xsl:text>
  </xsl:template>
  <xsl:template match="tei:relatedItem">
    <div class="related-item">
      <span class="related-label"><xsl:value-of select="if (@type = 'original') then 'Original: ' else 'Related: '"/></span>
      <xsl:apply-templates/>
    </div>
  </xsl:template>
  <xsl:template match="tei:sourceDesc//tei:idno">
    <span class="idno"><xsl:value-of select="(@type, 'id')[1]"/><xsl:if test="@subtype"> (<xsl:value-of select="@subtype"/>)</xsl:if>: <xsl:value-of select="normalize-space(.)"/></span><xsl:text>. </xsl:text>
  </xsl:template>
  <xsl:template match="tei:biblStruct//tei:note | tei:biblScope | tei:edition">
    <span class="{local-name()}"><xsl:apply-templates/></span><xsl:text> </xsl:text>
  </xsl:template>
  <xsl:template match="tei:sourceDesc/tei:bibl | tei:sourceDesc/tei:p">
    <p class="bibl"><xsl:apply-templates/></p>
  </xsl:template>

  <xsl:template match="tei:encodingDesc">
    <section class="header-part" id="encoding-description">
      <h2>Editorial principles</h2>
      <xsl:apply-templates/>
    </section>
  </xsl:template>
  <xsl:template match="tei:projectDesc | tei:samplingDecl | tei:editorialDecl/*">
    <h3><xsl:value-of select="(map {
      'projectDesc': 'The project', 'samplingDecl': 'Sampling', 'correction': 'Correction',
      'normalization': 'Normalisation', 'hyphenation': 'Hyphenation', 'quotation': 'Quotation',
      'segmentation': 'Segmentation', 'interpretation': 'Interpretation', 'punctuation': 'Punctuation',
      'stdVals': 'Standard values'}(local-name()), local-name())[1]"/></h3>
    <xsl:apply-templates/>
  </xsl:template>
  <xsl:template match="tei:editorialDecl">
    <xsl:apply-templates/>
  </xsl:template>
  <xsl:template match="tei:encodingDesc/tei:appInfo | tei:encodingDesc/tei:refsDecl | tei:encodingDesc/tei:tagsDecl | tei:encodingDesc/tei:classDecl | tei:encodingDesc/tei:listPrefixDef | tei:encodingDesc/tei:schemaRef"/>
  <xsl:template match="tei:publicationStmt/tei:p">
    <dt>Publication</dt><dd><xsl:apply-templates/></dd>
  </xsl:template>
  <xsl:template match="tei:teiHeader//tei:p" priority="-1">
    <p><xsl:apply-templates/></p>
  </xsl:template>

  <xsl:template match="tei:profileDesc">
    <section class="header-part" id="profile-description">
      <h2>About the text</h2>
      <dl class="header-fields"><xsl:apply-templates/></dl>
    </section>
  </xsl:template>
  <xsl:template match="tei:langUsage">
    <dt>Language</dt><dd><xsl:value-of select="string-join(tei:language ! normalize-space(.), ', ')"/></dd>
  </xsl:template>
  <xsl:template match="tei:creation">
    <dt>Written</dt><dd><xsl:apply-templates/></dd>
  </xsl:template>
  <xsl:template match="tei:textClass">
    <xsl:apply-templates/>
  </xsl:template>
  <xsl:template match="tei:keywords">
    <xsl:for-each select="tei:term | tei:list/tei:item">
      <dt><xsl:value-of select="if (@type = 'standpoint') then 'Standpoint' else if (@type) then upper-case(substring(@type, 1, 1)) || substring(@type, 2) else 'Keyword'"/></dt>
      <dd><xsl:apply-templates/></dd>
    </xsl:for-each>
  </xsl:template>
  <xsl:template match="tei:profileDesc/tei:abstract | tei:profileDesc/tei:settingDesc | tei:profileDesc/tei:particDesc">
    <dt><xsl:value-of select="local-name()"/></dt><dd><xsl:apply-templates/></dd>
  </xsl:template>

  <xsl:template match="tei:revisionDesc">
    <section class="header-part" id="revision-description">
      <h2>Revisions</h2>
      <ul class="revisions"><xsl:apply-templates/></ul>
    </section>
  </xsl:template>
  <xsl:template match="tei:change">
    <li><xsl:if test="@when"><time datetime="{@when}"><xsl:value-of select="@when"/></time>: </xsl:if><xsl:apply-templates/></li>
  </xsl:template>
</xsl:stylesheet>
