<?xml version="1.0" encoding="UTF-8"?>
<!-- Editorial interventions: corrections (choice/sic/corr), regularisations,
     abbreviations, supplied text, gaps and mended page breaks. The reading
     text shows the edited reading; the reader's toggle (class
     show-interventions on the page) reveals what the editors did. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:ed="urn:x-edition:xslt"
    exclude-result-prefixes="xs tei ed">

  <!-- An abbreviation the translator or the author expanded in brackets
       ("RSDRP [Russian Social Democratic Workers Party]") is part of the text
       as received: both stand, the expansion in that voice's colour. -->
  <xsl:template match="tei:choice[tei:abbr][tei:expan[ed:voice(.) = ('translator', 'author', 'editor')]]" priority="2">
    <xsl:variable name="expan" select="tei:expan[1]"/>
    <span class="choice abbr-expanded">
      <abbr class="abbr explain" title="{normalize-space($expan)}"><xsl:apply-templates select="tei:abbr/node()"/></abbr>
      <xsl:text> </xsl:text>
      <span class="expan explain voice-{ed:voice($expan)}" title="expanded by {ed:voice-label($expan)}"><span class="ui bracket">[</span><xsl:apply-templates select="$expan/node()"/><span class="ui bracket">]</span></span>
    </span>
  </xsl:template>

  <xsl:template match="tei:choice">
    <span class="intervention choice">
      <xsl:apply-templates select="tei:corr | tei:reg | tei:expan"/>
      <xsl:apply-templates select="tei:sic | tei:orig | tei:abbr"/>
      <xsl:apply-templates select="* except (tei:corr | tei:reg | tei:expan | tei:sic | tei:orig | tei:abbr)"/>
    </span>
  </xsl:template>

  <!-- the edited reading, shown by default; a correction the editors are not
       sure of says so (its certainty, a query mark with the interventions) -->
  <xsl:template match="tei:choice/tei:corr | tei:choice/tei:reg | tei:choice/tei:expan">
    <xsl:variable name="what" select="if (self::tei:corr) then 'corrected by the editors' else if (self::tei:reg) then 'regularised by the editors' else 'abbreviation expanded'"/>
    <xsl:variable name="received" select="normalize-space(string-join(../(tei:sic | tei:orig | tei:abbr)//text(), ''))"/>
    <span class="edited explain {local-name()}{if (@cert = ('low', 'medium')) then ' uncertain' else ''}"
          title="{$what}{if (@cert) then ' (certainty: ' || @cert || ')' else ''}{if ($received) then '; the received text reads “' || $received || '”' else ''}"><xsl:apply-templates/><xsl:if test="@cert = ('low', 'medium')"><span class="ui marker cert-marker">?</span></xsl:if></span>
  </xsl:template>
  <!-- the received reading, shown with the interventions -->
  <xsl:template match="tei:choice/tei:sic | tei:choice/tei:orig | tei:choice/tei:abbr">
    <span class="received {local-name()}" title="the received text reads"><xsl:if test="self::tei:sic"><span class="ui visually-hidden"> (the received text reads: </span></xsl:if><xsl:apply-templates/><xsl:if test="self::tei:sic"><span class="ui visually-hidden">)</span></xsl:if></span>
  </xsl:template>

  <xsl:template match="tei:sic">
    <span class="intervention sic-alone explain" title="so in the received text"><xsl:apply-templates/><span class="ui marker"> [sic]</span></span>
  </xsl:template>
  <xsl:template match="tei:corr">
    <span class="intervention corr-alone explain" title="corrected by the editors"><xsl:apply-templates/></span>
  </xsl:template>
  <xsl:template match="tei:abbr">
    <abbr><xsl:apply-templates/></abbr>
  </xsl:template>
  <xsl:template match="tei:expan | tei:orig | tei:reg">
    <span class="{local-name()}"><xsl:apply-templates/></span>
  </xsl:template>

  <!-- words the author or translator supplied inside a quotation are printed
       in their brackets; the editors' own are bracketed with the interventions -->
  <xsl:template match="tei:supplied">
    <xsl:variable name="voice" select="ed:voice(.)"/>
    <xsl:variable name="bracket" select="if ($voice = ('translator', 'author', 'editor')) then 'ui bracket' else 'ui marker'"/>
    <span class="intervention supplied explain{if ($voice) then ' voice-' || $voice else ''}" title="supplied by {if ($voice) then ed:voice-label(.) else 'the editors'}{if (@reason) then ': ' || replace(@reason, '-', ' ') else ''}"><span class="{$bracket}">[</span><xsl:apply-templates/><span class="{$bracket}">]</span></span>
  </xsl:template>

  <!-- a gloss keeps the brackets the source gives it, in its author's colour -->
  <xsl:template match="tei:gloss">
    <span class="gloss explain{if (ed:voice(.)) then ' voice-' || ed:voice(.) else ''}" title="gloss{if (ed:voice(.)) then ' by ' || ed:voice-label(.) else ''}">
      <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>
      <xsl:apply-templates/>
    </span>
  </xsl:template>

  <xsl:template match="tei:unclear">
    <span class="intervention unclear explain" title="unclear in the received text"><xsl:apply-templates/></span>
  </xsl:template>
  <xsl:template match="tei:del">
    <del class="intervention"><xsl:apply-templates/></del>
  </xsl:template>
  <xsl:template match="tei:add">
    <ins class="intervention"><xsl:apply-templates/></ins>
  </xsl:template>

  <!-- a gap is always shown: the reader must know the text is missing there -->
  <!-- a note whose text the received text lacks says so in words, not with a mark -->
  <xsl:template match="tei:gap[@reason = ('not-in-source', 'body-missing')]" priority="2">
    <span class="ui note-missing"><xsl:value-of select="ed:gap-explanation(.)"/></span>
  </xsl:template>
  <xsl:template match="tei:gap">
    <span class="ui gap explain" title="{ed:gap-explanation(.)}">[…]</span>
  </xsl:template>

  <xsl:template match="tei:pb[@type = 'mended']">
    <span class="ui pb pb-mended explain" title="A page break of the original split this paragraph; the editors joined it here.">¦</span>
  </xsl:template>
  <xsl:template match="tei:pb">
    <span class="ui pb explain" title="page break{if (@n) then ': page ' || @n else ''}">
      <xsl:value-of select="if (@n) then '[p. ' || @n || ']' else '|'"/>
    </span>
  </xsl:template>
  <xsl:template match="tei:cb | tei:fw"/>

  <!-- a gap's reason in words: the code in @reason is for machines -->
  <xsl:function name="ed:gap-explanation" as="xs:string">
    <xsl:param name="gap" as="element(tei:gap)"/>
    <xsl:variable name="reason" select="string($gap/@reason)"/>
    <xsl:sequence select="
      (if ($reason = ('not-in-source', 'body-missing')) then 'The received text does not give the text of this note; the edition keeps its reference.'
       else if ($reason = 'lost') then 'Words were lost here in the received text.'
       else if ($reason = 'illegible') then 'The received text is illegible here.'
       else 'Text is missing here in the received text.')
      || (if ($gap/@quantity) then ' About ' || $gap/@quantity || ' ' || ($gap/@unit, 'words')[1] || '.' else '')"/>
  </xsl:function>

  <!-- whose words: @resp pointing at the header's #author, #translator,
       #editor or #edition-editors; '' when no one is named -->
  <xsl:function name="ed:voice" as="xs:string">
    <xsl:param name="element" as="element()"/>
    <xsl:variable name="resp" select="tokenize($element/@resp) ! replace(., '^.*#', '')"/>
    <xsl:sequence select="
      if ($resp = 'translator') then 'translator'
      else if ($resp = 'author') then 'author'
      else if ($resp = 'editor') then 'editor'
      else if ($resp = 'edition-editors') then 'edition'
      else ''"/>
  </xsl:function>

  <xsl:function name="ed:voice-label" as="xs:string">
    <xsl:param name="element" as="element()"/>
    <xsl:sequence select="map {'author': 'the author', 'translator': 'the translator', 'editor': 'the editor',
                               'edition': 'the editors of this edition', '': 'the editors'}(ed:voice($element))"/>
  </xsl:function>
</xsl:stylesheet>