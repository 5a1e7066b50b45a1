<?xml version="1.0" encoding="UTF-8"?>
<!-- The text's structure: divisions, heads, paragraphs, quotations, lists,
     verse, tables, figures and phrase-level rendition. One template per element. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:ed="urn:x-edition:xslt"
    exclude-result-prefixes="xs tei ed">

  <!-- A div that is a page of its own appears inside its parent's page as a
       link: the reader follows it rather than scrolling a whole book. -->
  <xsl:template match="tei:div[@xml:id = $page-ids][@xml:id != $section]">
    <nav class="ui subsection-link" aria-label="Section">
      <a href="{$text-url}/{@xml:id}"><xsl:value-of select="ed:head-text(.)"/></a>
    </nav>
  </xsl:template>

  <!-- a division that only gathers notes whose references the received text
       lost ('Footnotes') is no empty shell in the text: its head and notes
       are in the page's list of notes -->
  <xsl:template match="tei:div[ed:is-notes-shell(.)]" priority="2"/>

  <xsl:template match="tei:div">
    <section class="div" id="{ed:id(.)}">
      <xsl:call-template name="lang"/>
      <xsl:if test="@type"><xsl:attribute name="data-type" select="@type"/></xsl:if>
      <xsl:apply-templates/>
    </section>
  </xsl:template>

  <!-- the head of the page's division is the page's title (h1); deeper divs deeper -->
  <xsl:template match="tei:head">
    <xsl:variable name="depth" select="count(ancestor::tei:div except $page-root/ancestor::tei:div)"/>
    <xsl:element name="h{if ($depth = 0) then 2 else min(($depth, 6))}">
      <xsl:call-template name="id"/>
      <!-- a head that is only a number reads as the contents name it: Section 3 -->
      <xsl:if test="parent::tei:div and matches(ed:head-text(..), '^(\d+|[IVXLC]+)\.?$', 'i')"><span class="ui">Section </span></xsl:if>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:list/tei:head | tei:table/tei:head | tei:lg/tei:head">
    <div class="block-head"><xsl:apply-templates/></div>
  </xsl:template>

  <!-- A numbered paragraph of the reading text: its number is the one in its
       xml:id (KEY.3.p5), so the number a reader cites is the permalink's. -->
  <xsl:template match="tei:p">
    <p class="para" id="{ed:id(.)}">
      <xsl:call-template name="lang"/>
      <xsl:if test="@xml:id and not(ancestor::tei:note)">
        <a class="ui para-num" href="#{@xml:id}" data-permalink="{$text-url}/at/{@xml:id}" data-cite="{$text-url}/cite/{@xml:id}"
           title="Cite or link to this paragraph"><xsl:value-of select="ed:para-number(.)"/></a>
        <xsl:text> </xsl:text>
      </xsl:if>
      <xsl:apply-templates/>
    </p>
  </xsl:template>

  <!-- every passage the search index or a permalink can point at carries its xml:id -->
  <xsl:template name="id">
    <xsl:if test="@xml:id"><xsl:attribute name="id" select="@xml:id"/></xsl:if>
  </xsl:template>

  <!-- a paragraph of a note keeps its id: search hits and permalinks land on it -->
  <xsl:template match="tei:note//tei:p">
    <span class="note-p"><xsl:call-template name="id"/><xsl:apply-templates/></span>
  </xsl:template>

  <xsl:template match="tei:quote[tei:p | tei:lg | tei:list] | tei:cit | tei:floatingText">
    <blockquote class="{local-name()}"><xsl:call-template name="id"/><xsl:call-template name="lang"/><xsl:apply-templates/></blockquote>
  </xsl:template>
  <xsl:template match="tei:quote | tei:q | tei:said">
    <q class="{local-name()}"><xsl:call-template name="lang"/><xsl:apply-templates/></q>
  </xsl:template>

  <xsl:template match="tei:list">
    <xsl:apply-templates select="tei:head"/>
    <xsl:element name="{if (@type = ('ordered', 'numbered') or @rend = 'numbered') then 'ol' else 'ul'}">
      <xsl:attribute name="class" select="'list'"/>
      <xsl:call-template name="id"/>
      <xsl:apply-templates select="* except tei:head"/>
    </xsl:element>
  </xsl:template>
  <xsl:template match="tei:item">
    <li id="{ed:id(.)}"><xsl:apply-templates/></li>
  </xsl:template>
  <xsl:template match="tei:list/tei:label">
    <li class="label"><xsl:apply-templates/></li>
  </xsl:template>

  <xsl:template match="tei:lg">
    <div class="lg" id="{ed:id(.)}"><xsl:apply-templates/></div>
  </xsl:template>
  <xsl:template match="tei:l">
    <div class="l"><xsl:call-template name="id"/><xsl:apply-templates/></div>
  </xsl:template>

  <xsl:template match="tei:table">
    <table class="table">
      <xsl:if test="tei:head"><caption><xsl:apply-templates select="tei:head/node()"/></caption></xsl:if>
      <tbody><xsl:apply-templates select="tei:row"/></tbody>
    </table>
  </xsl:template>
  <xsl:template match="tei:row">
    <tr><xsl:apply-templates/></tr>
  </xsl:template>
  <xsl:template match="tei:cell">
    <xsl:element name="{if (../@role = 'label' or @role = 'label') then 'th' else 'td'}">
      <xsl:if test="@cols"><xsl:attribute name="colspan" select="@cols"/></xsl:if>
      <xsl:if test="@rows"><xsl:attribute name="rowspan" select="@rows"/></xsl:if>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <!-- HTML allows one figcaption, first or last: a figure's heads (a caption
       and its continuation) go into it together, each on its own line -->
  <xsl:template match="tei:figure">
    <figure class="figure" id="{ed:id(.)}"><xsl:call-template name="lang"/>
      <xsl:if test="tei:head"><figcaption><xsl:apply-templates select="tei:head"/></figcaption></xsl:if>
      <xsl:apply-templates select="node() except tei:head"/>
    </figure>
  </xsl:template>
  <xsl:template match="tei:figure/tei:head">
    <span class="figure-head"><xsl:call-template name="id"/><xsl:apply-templates/></span>
  </xsl:template>
  <xsl:template match="tei:figDesc">
    <p class="figdesc"><xsl:apply-templates/></p>
  </xsl:template>
  <xsl:template match="tei:graphic">
    <span class="ui graphic">[image not reproduced]</span>
  </xsl:template>

  <!-- containers of blocks: the parts of a text (a letter's body inside a
       floatingText) and the title page hold paragraphs, so they are divs -->
  <xsl:template match="tei:text | tei:group | tei:body | tei:front | tei:back | tei:titlePage | tei:docTitle | tei:titlePart | tei:docImprint | tei:docEdition">
    <div class="{local-name()}"><xsl:call-template name="lang"/><xsl:apply-templates/></div>
  </xsl:template>

  <xsl:template match="tei:epigraph | tei:opener | tei:closer | tei:trailer | tei:byline | tei:dateline | tei:argument | tei:ab | tei:postscript">
    <div class="{local-name()}" id="{ed:id(.)}"><xsl:apply-templates/></div>
  </xsl:template>
  <xsl:template match="tei:salute | tei:signed | tei:docAuthor | tei:docDate">
    <span class="{local-name()}"><xsl:apply-templates/></span>
  </xsl:template>

  <!-- drama and dialogue (a transcript of a session) -->
  <xsl:template match="tei:sp">
    <div class="sp"><xsl:call-template name="id"/><xsl:call-template name="lang"/><xsl:apply-templates/></div>
  </xsl:template>
  <xsl:template match="tei:speaker">
    <b class="speaker"><xsl:apply-templates/></b>
  </xsl:template>
  <xsl:template match="tei:stage">
    <i class="stage"><xsl:apply-templates/></i>
  </xsl:template>

  <xsl:template match="tei:lb">
    <br/>
  </xsl:template>
  <xsl:template match="tei:milestone">
    <hr class="milestone"/>
  </xsl:template>

  <!-- phrase level: rendition as received -->
  <xsl:template match="tei:hi">
    <xsl:variable name="rend" select="tokenize(@rend)"/>
    <xsl:choose>
      <xsl:when test="$rend = ('sup', 'superscript')"><sup><xsl:apply-templates/></sup></xsl:when>
      <xsl:when test="$rend = ('sub', 'subscript')"><sub><xsl:apply-templates/></sub></xsl:when>
      <xsl:when test="$rend = ('bold', 'b', 'strong')"><b><xsl:apply-templates/></b></xsl:when>
      <xsl:when test="$rend = ('underline', 'u')"><u><xsl:apply-templates/></u></xsl:when>
      <xsl:when test="$rend = ('smallcaps', 'small-caps')"><span class="smallcaps"><xsl:apply-templates/></span></xsl:when>
      <xsl:otherwise><i><xsl:apply-templates/></i></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="tei:emph">
    <em><xsl:apply-templates/></em>
  </xsl:template>
  <xsl:template match="tei:title">
    <cite class="title"><xsl:apply-templates/></cite>
  </xsl:template>
  <xsl:template match="tei:foreign | tei:term | tei:mentioned | tei:soCalled">
    <i class="{local-name()}">
      <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>
      <xsl:apply-templates/>
    </i>
  </xsl:template>
  <xsl:template match="tei:date | tei:num | tei:measure | tei:seg | tei:bibl | tei:label">
    <span class="{local-name()}"><xsl:call-template name="id"/><xsl:call-template name="lang"/><xsl:apply-templates/></span>
  </xsl:template>

  <!-- links: external targets open as links; internal pointers to our own ids -->
  <xsl:template match="tei:ref[@target][descendant::tei:note or descendant::tei:ptr]" priority="2">
    <span class="ref"><xsl:apply-templates/></span>
  </xsl:template>
  <xsl:template match="tei:ref[@target]">
    <a class="ref" href="{ed:href(@target)}"><xsl:apply-templates/></a>
  </xsl:template>
  <!-- a pointer has no text of its own: what it shows is the viewer's -->
  <xsl:template match="tei:ptr[@target]">
    <a class="ui ptr" href="{ed:href(@target)}"><xsl:value-of select="(@n, tokenize(@target)[1])[1]"/></a>
  </xsl:template>
  <xsl:template match="tei:ref">
    <span class="ref"><xsl:apply-templates/></span>
  </xsl:template>

  <!-- anything not yet given a template keeps its text: nothing is lost in rendering -->
  <xsl:template match="tei:*">
    <span class="tei-{local-name()}"><xsl:call-template name="lang"/><xsl:apply-templates/></span>
  </xsl:template>

  <!-- the language of a passage in another language (a Russian facsimile), for
       the browser's hyphenation and a screen reader's voice -->
  <xsl:template name="lang">
    <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>
  </xsl:template>

  <!-- a div's head as plain text, for links and tables of contents -->
  <xsl:function name="ed:head-text" as="xs:string">
    <xsl:param name="div" as="element()"/>
    <xsl:variable name="head" select="$div/tei:head[1]"/>
    <xsl:sequence select="if ($head) then normalize-space(string-join($head//text()[not(ancestor::tei:note)], ''))
                          else if ($div/@n) then string($div/@n)
                          else replace(replace(($div/@type, 'section')[1], '([a-z])([A-Z])', '$1 $2'), '^(.)', '$1')"/>
  </xsl:function>

  <!-- internal pointers (#id) go through the permalink: the target may be on another page;
       pointers into another file of the edition go through the viewer's /edition/ resolver -->
  <xsl:function name="ed:href" as="xs:string">
    <xsl:param name="target" as="xs:string"/>
    <xsl:variable name="first" select="tokenize($target)[1]"/>
    <xsl:sequence select="
      if (starts-with($first, '#')) then $text-url || '/at/' || substring($first, 2)
      else if (matches($first, '^[A-Za-z0-9._-]+\.xml(#.+)?$'))
        then $edition-url || '/' || replace($first, '#', '/')
      else $first"/>
  </xsl:function>

  <xsl:function name="ed:id" as="xs:string">
    <xsl:param name="node" as="element()"/>
    <xsl:sequence select="($node/@xml:id, 'x-' || generate-id($node))[1]"/>
  </xsl:function>

  <xsl:function name="ed:para-number" as="xs:string">
    <xsl:param name="p" as="element()"/>
    <xsl:sequence select="if (matches($p/@xml:id, '\.p\d+$')) then replace($p/@xml:id, '^.*\.p(\d+)$', '$1')
                          else string(count($p/preceding-sibling::tei:p) + 1)"/>
  </xsl:function>
</xsl:stylesheet>
