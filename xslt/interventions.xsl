<?xml version="1.0" encoding="UTF-8"?>
<!-- Editorial interventions: corrections (choice/sic/corr), regularisations,
     abbreviations, supplied text, gaps and mended page breaks. The reading
     text shows the edited reading; the reader's toggle (class
     show-interventions on the page) reveals what the editors did. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="xs tei">

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
    <span class="edited {local-name()}{if (@cert = ('low', 'medium')) then ' uncertain' else ''}"
          title="{$what}{if (@cert) then ' (certainty: ' || @cert || ')' else ''}{if ($received) then '; the received text reads “' || $received || '”' else ''}"><xsl:apply-templates/><xsl:if test="@cert = ('low', 'medium')"><span class="ui marker cert-marker">?</span></xsl:if></span>
  </xsl:template>
  <!-- the received reading, shown with the interventions -->
  <xsl:template match="tei:choice/tei:sic | tei:choice/tei:orig | tei:choice/tei:abbr">
    <span class="received {local-name()}" title="the received text reads"><xsl:if test="self::tei:sic"><span class="ui visually-hidden"> (the received text reads: </span></xsl:if><xsl:apply-templates/><xsl:if test="self::tei:sic"><span class="ui visually-hidden">)</span></xsl:if></span>
  </xsl:template>

  <xsl:template match="tei:sic">
    <span class="intervention sic-alone" title="so in the received text"><xsl:apply-templates/><span class="ui marker"> [sic]</span></span>
  </xsl:template>
  <xsl:template match="tei:corr">
    <span class="intervention corr-alone" title="corrected by the editors"><xsl:apply-templates/></span>
  </xsl:template>
  <xsl:template match="tei:abbr">
    <abbr><xsl:apply-templates/></abbr>
  </xsl:template>
  <xsl:template match="tei:expan | tei:orig | tei:reg">
    <span class="{local-name()}"><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:template match="tei:supplied">
    <span class="intervention supplied" title="supplied by the editors{if (@reason) then ': ' || @reason else ''}"><span class="ui marker">[</span><xsl:apply-templates/><span class="ui marker">]</span></span>
  </xsl:template>

  <xsl:template match="tei:unclear">
    <span class="intervention unclear" title="unclear in the received text"><xsl:apply-templates/></span>
  </xsl:template>
  <xsl:template match="tei:del">
    <del class="intervention"><xsl:apply-templates/></del>
  </xsl:template>
  <xsl:template match="tei:add">
    <ins class="intervention"><xsl:apply-templates/></ins>
  </xsl:template>

  <!-- a gap is always shown: the reader must know the text is missing there -->
  <xsl:template match="tei:gap">
    <span class="ui gap" title="{string-join(('text missing in the received text', @reason, if (@quantity) then @quantity || ' ' || @unit else ()), ': ')}">[…]</span>
  </xsl:template>

  <xsl:template match="tei:pb[@type = 'mended']">
    <span class="ui pb pb-mended" title="A page break of the original split this paragraph; the editors joined it here.">¦</span>
  </xsl:template>
  <xsl:template match="tei:pb">
    <span class="ui pb" title="page break{if (@n) then ': page ' || @n else ''}">
      <xsl:value-of select="if (@n) then '[p. ' || @n || ']' else '|'"/>
    </span>
  </xsl:template>
  <xsl:template match="tei:cb | tei:fw"/>
</xsl:stylesheet>
