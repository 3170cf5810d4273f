"""HTML from outside, made safe to show, and read as text.

`clean_html` keeps what a support conversation needs (formatting, lists, tables, quotes,
links, images) and nothing that runs or calls home: no scripts, styles, forms, frames, event
attributes or `javascript:` links; images only from the message itself (`cid:`) or inline
`data:` images, never from a remote URL (that is how senders track who opened a mail).
Links get rel="noopener noreferrer".
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "center", "cite", "code", "col",
    "colgroup", "dd", "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "tt", "u", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "td": {"colspan", "rowspan", "align", "valign"},
    "th": {"colspan", "rowspan", "align", "valign", "scope"},
    "table": {"summary"},
    "ol": {"start"},
    "blockquote": {"cite"},
    "font": {"color"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "cid", "data"}
DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|jpg|gif|webp);base64,", re.IGNORECASE)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        lowered = value.strip().lower()
        if lowered.startswith("cid:") or DATA_IMAGE.match(lowered):
            return value
        return None  # remote or relative image: dropped (tracking pixels)
    if attribute == "href" and value.strip().lower().startswith(("data:", "cid:")):
        return None
    return value


# Elements a browser never closes by itself: their nesting is real. The sanitiser's HTML
# parser spends time quadratic in that depth (20,000 nested divs: seconds), and no mail
# client writes more than a few dozen levels.
NESTING_TAG = re.compile(
    rb"<(/?)(?:div|blockquote|table|span|font|section|article|ul|ol|dl|center|b|i|u|a)\b",
    re.IGNORECASE,
)
MAX_HTML_DEPTH = 1000


def html_depth(html: str) -> int:
    """How deep elements that must be closed explicitly are nested (a fast over-estimate)."""
    depth = deepest = 0
    for found in NESTING_TAG.finditer(html.encode("utf-8", "surrogatepass")):
        if found.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def clean_html(html: str) -> str:
    """The HTML with everything unsafe removed (see the module docstring); "" for HTML
    nested absurdly deep (the text made from it still shows the message)."""
    if not html.strip() or html_depth(html) > MAX_HTML_DEPTH:
        return ""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style", "title", "head", "noscript", "template"},
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


BLOCK = {
    "p", "div", "br", "tr", "table", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "hr", "dl", "dt", "dd", "section", "article", "header", "footer",
    "address", "center",
}  # fmt: skip
SKIP = {"script", "style", "head", "title", "noscript", "template"}
MAX_QUOTE_MARKS = 10  # deeper quotes are marked as this deep (keeps the text linear in size)


class _TextMaker(HTMLParser):
    """HTML to readable plain text: blocks become lines, quotes become "> " lines (so the
    reply trimmer recognises quoted history in HTML-only mail), links keep their address."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.quote = 0
        self.skip = 0
        self.pre = 0
        self.href: list[str] = []

    def _break(self) -> None:
        line = "".join(self.current)
        if not self.pre:
            line = re.sub(r"[ \t\r\n\f\u00a0]+", " ", line).strip()
        marks = "> " * min(self.quote, MAX_QUOTE_MARKS)
        self.lines.append(marks + line if line else marks.rstrip())
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP:
            self.skip += 1
            return
        if tag in BLOCK:
            self._break()
        if tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self.pre += 1
        elif tag == "li":
            self.current.append("- ")
        elif tag == "a":
            self.href.append(dict(attrs).get("href") or "")
        elif tag in ("td", "th"):
            self.current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "a" and self.href:
            href = self.href.pop()
            shown = "".join(self.current)
            if href.startswith(("http://", "https://")) and href not in shown:
                self.current.append(f" <{href}>")
        if tag in BLOCK:
            self._break()
        if tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            parts = data.split("\n")
            for index, part in enumerate(parts):
                if index:
                    self._break()
                self.current.append(part)
            return
        self.current.append(data)

    def text(self) -> str:
        self._break()
        text = "\n".join(self.lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(html: str) -> str:
    """Readable text of an HTML body (never raises; worst case the tags are stripped)."""
    maker = _TextMaker()
    try:
        maker.feed(html)
        maker.close()
        return maker.text()
    except Exception:
        return re.sub(r"<[^>]*>", " ", html).strip()


TEXT_LINK = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
HTML_LINK = re.compile(r"""\b(?:href|src)\s*=\s*["']?\s*(?:https?:|www\.|//)""", re.IGNORECASE)


def count_links(texts: list[str], htmls: list[str]) -> int:
    """Links in the body: the larger of the plain-text and the HTML count, since the two
    alternatives of one mail carry the same links."""
    in_text = sum(len(TEXT_LINK.findall(text)) for text in texts)
    in_html = sum(len(HTML_LINK.findall(html)) for html in htmls)
    return max(in_text, in_html)
