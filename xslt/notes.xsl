<?xml version="1.0" encoding="UTF-8"?>
<!-- Notes. A note stands where its reference stands: in the reading text it
     becomes a numbered reference (a pop-up in the browser) and its body is
     listed at the end of the page with a link back. Whose note it is
     (author, translator, editor, this edition) shows in colour and label. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:ed="urn:x-edition:xslt"
    exclude-result-prefixes="xs tei ed">

  <!-- a note the source prints in the running text (a translator's bracketed
       gloss) stays there, marked with its voice -->
  <xsl:template match="tei:note[@place = 'inline']" priority="2">
    <span class="note-inline explain note-{ed:note-voice(.)}" title="{ed:note-voice-label(.)}, printed in the text"><xsl:apply-templates/></span>
  </xsl:template>
  <xsl:template match="tei:note[@place = 'inline']" mode="note-list" priority="2"/>

  <!-- the reference in the text -->
  <xsl:template match="tei:note">
    <xsl:if test="not(@subtype = 'unanchored')">
      <a class="ui note-ref note-{ed:note-voice(.)}" id="noteref-{ed:id(.)}" href="#{ed:id(.)}"
         role="doc-noteref" data-note="{ed:id(.)}"
         aria-label="Note {ed:note-label(.)}, {ed:note-voice-label(.)}"><xsl:value-of select="ed:note-label(.)"/></a>
    </xsl:if>
  </xsl:template>

  <!-- a second reference to a note already encoded elsewhere -->
  <xsl:template match="tei:ptr[@type = 'noteref'][starts-with(@target, '#')]" priority="2">
    <xsl:variable name="note" select="id(substring(@target, 2))"/>
    <a class="ui note-ref note-{if ($note/self::tei:note) then ed:note-voice($note) else 'author'}" href="{if ($note/self::tei:note) then '#' || ed:id($note) else ed:href(@target)}"
       role="doc-noteref" data-note="{substring(@target, 2)}"><xsl:value-of select="if ($note/self::tei:note) then ed:note-label($note) else @n"/></a>
  </xsl:template>

  <!-- the list at the end of the page -->
  <xsl:template name="note-list">
    <xsl:param name="notes" as="element(tei:note)*"/>
    <xsl:if test="exists($notes)">
      <!-- the ARIA role of the notes is on the section: HTML admits no doc-footnote role on a list item -->
      <section class="notes" role="doc-endnotes" aria-labelledby="notes-heading">
        <h2 class="ui" id="notes-heading">Notes</h2>
        <!-- a division that only gathers notes ('Footnotes') is listed here, under its head -->
        <xsl:variable name="shells" select="$notes/parent::tei:div[ed:is-notes-shell(.)]"/>
        <xsl:variable name="anchored" select="$notes except $shells/tei:note"/>
        <xsl:if test="exists($anchored)">
          <ol class="note-list">
            <xsl:apply-templates select="$anchored" mode="note-list"/>
          </ol>
        </xsl:if>
        <xsl:for-each select="$shells">
          <section class="notes-group" id="{ed:id(.)}">
            <xsl:for-each select="tei:head[1]">
              <h3><xsl:call-template name="id"/><xsl:apply-templates/></h3>
            </xsl:for-each>
            <ol class="note-list">
              <xsl:apply-templates select="tei:note intersect $notes" mode="note-list"/>
            </ol>
          </section>
        </xsl:for-each>
      </section>
    </xsl:if>
  </xsl:template>

  <xsl:template match="tei:note" mode="note-list">
    <li class="note note-{ed:note-voice(.)}{if (@subtype = 'unanchored') then ' unanchored' else ''}" id="{ed:id(.)}">
      <span class="ui note-label"><xsl:value-of select="ed:note-label(.)"/></span>
      <xsl:text> </xsl:text>
      <span class="ui note-voice"><xsl:value-of select="ed:note-voice-label(.)"/></span>
      <xsl:if test="@subtype = 'unanchored'">
        <xsl:text> </xsl:text>
        <span class="ui note-unanchored" title="The received text lost this note's reference; the edition does not guess where it stood.">reference lost in the received text</span>
      </xsl:if>
      <xsl:text> </xsl:text>
      <span class="note-body"><xsl:apply-templates/></span>
      <xsl:if test="not(@subtype = 'unanchored')">
        <xsl:text> </xsl:text>
        <a class="ui note-back" href="#noteref-{ed:id(.)}" role="doc-backlink" aria-label="Back to the reference of note {ed:note-label(.)}">↩</a>
      </xsl:if>
    </li>
  </xsl:template>

  <!-- a division that holds only its head and notes whose references were lost -->
  <xsl:function name="ed:is-notes-shell" as="xs:boolean">
    <xsl:param name="div" as="element()"/>
    <xsl:sequence select="exists($div/tei:note) and empty($div/(* except (tei:head | tei:note)))"/>
  </xsl:function>

  <!-- Each sequence of notes has labels of its own, so that no two notes of a
       page share one, in print and to a screen reader as on screen: the
       source's numbered notes keep their numbers (a series of its own, such
       as Pavlova's comments, its type's letter before the number: c1); this
       edition's notes, which the source does not number, are lettered a, b,
       c through the page. -->
  <xsl:function name="ed:note-label" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="
      if ($note/@n) then ed:series-prefix($note) || $note/@n
      else format-integer(count($note/preceding::tei:note[not(@n)][not(@place = 'inline')][ed:note-voice(.) = ed:note-voice($note)]) + 1,
                          if (ed:note-voice($note) = 'edition') then 'a' else 'i')"/>
  </xsl:function>

  <!-- the main sequence is the author's, which translator's and editor's notes join where the source numbers them together -->
  <xsl:function name="ed:series-prefix" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="if (not($note/@type) or $note/@type = ('authorial', 'author', 'translator', 'editor', 'editorial', 'edition')) then ''
                          else substring($note/@type, 1, 1)"/>
  </xsl:function>

  <!-- whose note: @resp points at the header's #author, #translator, #editor,
       #edition-editors; @type is the fallback -->
  <xsl:function name="ed:note-voice" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:variable name="resp" select="tokenize($note/@resp) ! replace(., '^.*#', '')"/>
    <xsl:variable name="type" select="string($note/@type)"/>
    <xsl:sequence select="
      if ($resp = 'translator' or $type = 'translator') then 'translator'
      else if ($resp = 'edition-editors' or $type = ('edition', 'editorial')) then 'edition'
      else if ($resp = 'editor' or $type = 'editor') then 'editor'
      else 'author'"/>
  </xsl:function>

  <xsl:function name="ed:note-voice-label" as="xs:string">
    <xsl:param name="note" as="element(tei:note)"/>
    <xsl:sequence select="map {
      'author': 'author’s note', 'translator': 'translator’s note',
      'editor': 'editor’s note', 'edition': 'note of this edition'}(ed:note-voice($note))"/>
  </xsl:function>
</xsl:stylesheet>
