# cython: language_level=3
"""The tree walk that cuts a parsed page into blocks, compiled: it reads lxml's C tree directly.

The same algorithm as :mod:`cleaner.page.walk_reference` (the pure-Python reference),
step for step, giving identical blocks (the equivalence tests check every field). What it
saves is the cost of visiting a node from Python: lxml's ``iterwalk`` makes a Python object
for every element and each ``.tag``, ``.text``, ``.tail`` and ``.get`` is a call; here the
walk follows libxml2's node pointers and decodes only the strings it keeps. It reaches the
tree through lxml's published Cython API (``lxml/includes/etreepublic.pxd``), so it reads
the structures of the lxml it was built against (:data:`LXML_VERSION`).

Node by node it mirrors what lxml shows Python: the nodes ``iterwalk`` visits are the
elements (not comments or processing instructions, nor the text after them, should a
tree hold any: :func:`cleaner.page.segment.parse_html` drops them); an element's ``.text``
and ``.tail`` join the text and CDATA nodes that follow (lxml's ``_collectText``);
``.get(name)`` is the first attribute of that name without a namespace (libxml2's
``xmlGetNoNsProp``).
"""

from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.string cimport strcmp, strlen
from lxml.includes cimport tree
from lxml.includes.etreepublic cimport (
    LXML_VERSION_STRING,
    _Document,
    _Element,
    attributeValue,
    elementFactory,
    import_lxml__etree,
)

import gc

from cleaner.model import Block
from cleaner.page.markup import (
    BLOCK_TAGS,
    MAX_ATTR_TOKENS,
    MAX_TAG_PATH,
    SKIP_TAGS,
    TOKEN_CACHE_LIMIT,
    nearest_tokens,
    verbatim,
)
from cleaner.page.roles import CONTEXT_TAGS, ROOT_CONTEXT, TABLE_TAGS, TableLayout, structure_tag

import_lxml__etree()

# The lxml version whose headers this module was compiled with.
LXML_VERSION = LXML_VERSION_STRING.decode("ascii")

__all__ = ["LXML_VERSION", "walk_blocks", "walk_texts"]

cdef frozenset _BLOCK_TAGS = BLOCK_TAGS
cdef frozenset _SKIP_TAGS = SKIP_TAGS
cdef frozenset _CONTEXT_TAGS = CONTEXT_TAGS
cdef frozenset _TABLE_TAGS = TABLE_TAGS
cdef frozenset _NO_TOKENS = frozenset()
cdef Py_ssize_t _TOKEN_CACHE_LIMIT = TOKEN_CACHE_LIMIT
cdef Py_ssize_t _MAX_TAG_PATH = MAX_TAG_PATH
cdef Py_ssize_t _MAX_ATTR_TOKENS = MAX_ATTR_TOKENS


cdef inline str _decode(const char* text):
    return PyUnicode_DecodeUTF8(text, strlen(text), NULL)


cdef inline tree.xmlNode* _element_from(tree.xmlNode* node) noexcept:
    """``node`` or the first of its next siblings that is an element: the nodes lxml's iterwalk visits."""
    while node is not NULL and node.type != tree.XML_ELEMENT_NODE:
        node = node.next
    return node


cdef inline tree.xmlNode* _text_node(tree.xmlNode* node) noexcept:
    """``node`` if it holds text, skipping XInclude markers (lxml's _textNodeOrSkip)."""
    while node is not NULL:
        if node.type == tree.XML_TEXT_NODE or node.type == tree.XML_CDATA_SECTION_NODE:
            return node
        if node.type == tree.XML_XINCLUDE_START or node.type == tree.XML_XINCLUDE_END:
            node = node.next
        else:
            return NULL
    return NULL


cdef object _collect_text(tree.xmlNode* node):
    """The text of the run of text nodes starting at ``node`` (an element's ``.text`` or ``.tail``), or None."""
    node = _text_node(node)
    if node is NULL:
        return None
    cdef tree.xmlNode* following = _text_node(node.next)
    if following is NULL:
        return _decode(<const char*>node.content)
    cdef list parts = []
    while node is not NULL:
        parts.append(_decode(<const char*>node.content))
        node = _text_node(node.next)
    return "".join(parts)


cdef str _tag(tree.xmlNode* node):
    """An element's tag as lxml's ``.tag`` gives it."""
    name = _decode(<const char*>node.name)
    if node.ns is not NULL and node.ns.href is not NULL:
        return f"{{{_decode(<const char*>node.ns.href)}}}{name}"
    return name


cdef object _attribute_value(tree.xmlNode* node, tree.xmlAttr* attribute):
    """An attribute's value as ``.get`` gives it (libxml2's xmlGetPropNodeValueInternal)."""
    cdef tree.xmlNode* child = attribute.children
    if child is NULL:
        return ""
    if child.next is NULL and (child.type == tree.XML_TEXT_NODE or child.type == tree.XML_CDATA_SECTION_NODE):
        return _decode(<const char*>child.content) if child.content is not NULL else None
    return attributeValue(node, attribute)


cdef object _attribute(tree.xmlNode* node, const char* name):
    """``element.get(name)``: the first attribute of that name without a namespace, or None."""
    cdef tree.xmlAttr* attribute = node.properties
    while attribute is not NULL:
        if attribute.ns is NULL and strcmp(<const char*>attribute.name, name) == 0:
            return _attribute_value(node, attribute)
        attribute = attribute.next
    return None


cdef tuple _element_tokens(tree.xmlNode* node):
    """The element's class/id tokens and hidden markers (cleaner.page.markup.attribute_tokens), in one pass."""
    cdef tree.xmlAttr* attribute = node.properties
    cdef const char* name
    # class, id, hidden, aria-hidden, style: the first attribute of each name, as .get finds it
    cdef object class_ = None, id_ = None, hidden = None, aria_hidden = None, style = None
    while attribute is not NULL:
        if attribute.ns is NULL:
            name = <const char*>attribute.name
            if class_ is None and strcmp(name, b"class") == 0:
                class_ = _attribute_value(node, attribute)
            elif id_ is None and strcmp(name, b"id") == 0:
                id_ = _attribute_value(node, attribute)
            elif hidden is None and strcmp(name, b"hidden") == 0:
                hidden = _attribute_value(node, attribute)
            elif aria_hidden is None and strcmp(name, b"aria-hidden") == 0:
                aria_hidden = _attribute_value(node, attribute)
            elif style is None and strcmp(name, b"style") == 0:
                style = _attribute_value(node, attribute)
        attribute = attribute.next
    cdef tuple tokens = _value_tokens(class_) if class_ else ()
    if id_:
        tokens = tokens + _value_tokens(id_)
    if hidden is not None or aria_hidden == "true" or style:
        tokens = tokens + _hidden_tokens(hidden, aria_hidden, style)
    return tokens


# The tokens of each class or id value seen so far, and the hidden markers of each style,
# bounded as cleaner.page.markup's caches are.
cdef dict _VALUE_TOKENS = {}
cdef dict _STYLE_TOKENS = {}


cdef inline bint _separator(Py_UCS4 char) noexcept:
    """A character of the finer class/id split (markup's ``[\\s_\\-:/.]``)."""
    return char.isspace() or char == u"_" or char == u"-" or char == u":" or char == u"/" or char == u"."


cdef tuple _value_tokens(str value):
    """A class or id value's tokens, as cleaner.page.markup computes them."""
    cached = _VALUE_TOKENS.get(value)
    if cached is not None:
        return <tuple>cached
    lowered = value.lower()
    cdef list found = [t for t in lowered.split() if not t.isdigit()]
    cdef bint inner = False
    cdef Py_UCS4 char
    for char in lowered:
        if char == u"_" or char == u"-" or char == u":" or char == u"/" or char == u".":
            inner = True
            break
    cdef Py_ssize_t start = 0, end, length = len(lowered)
    if inner:
        while start < length:
            while start < length and _separator(lowered[start]):
                start += 1
            end = start
            while end < length and not _separator(lowered[end]):
                end += 1
            if end > start:
                piece = lowered[start:end]
                if not piece.isdigit():
                    found.append(piece)
            start = end
    else:  # the finer split would give the same words again
        found.extend(found)
    tokens = tuple(found)
    if len(_VALUE_TOKENS) >= _TOKEN_CACHE_LIMIT:
        _VALUE_TOKENS.clear()
    _VALUE_TOKENS[value] = tokens
    return tokens


cdef tuple _hidden_tokens(object hidden, object aria_hidden, object style):
    """The hidden markers of an element (cleaner.page.markup's _hidden_tokens)."""
    cdef list tokens = []
    if hidden is not None:
        tokens.append("attr:hidden")
    if aria_hidden == "true":
        tokens.append("attr:aria-hidden")
    if style:
        cached = _STYLE_TOKENS.get(style)
        if cached is None:
            squeezed = style.replace(" ", "").lower()
            marks = []
            if "display:none" in squeezed:
                marks.append("style:display-none")
            if "visibility:hidden" in squeezed:
                marks.append("style:visibility-hidden")
            cached = tuple(marks)
            if len(_STYLE_TOKENS) >= _TOKEN_CACHE_LIMIT:
                _STYLE_TOKENS.clear()
            _STYLE_TOKENS[style] = cached
        tokens.extend(<tuple>cached)
    return tuple(tokens)


cdef tree.xmlNode* _body(tree.xmlNode* root) noexcept:
    """``root.find("body")``: the first child element named body, without a namespace."""
    cdef tree.xmlNode* child = root.children
    while child is not NULL:
        if (
            child.type == tree.XML_ELEMENT_NODE
            and (child.ns is NULL or child.ns.href is NULL)
            and strcmp(<const char*>child.name, b"body") == 0
        ):
            return child
        child = child.next
    return NULL


cdef class _BlockBuilder:
    """Collects text pieces into blocks while the walk reports starts and ends (as the reference's).

    ``lean`` (walk_texts): each block's text and link characters go to ``texts`` and
    ``link_counts`` instead of a Block, and nothing else about the block is gathered.
    """

    cdef bint lean
    cdef list blocks, pieces, block_tags, containers, block_links, texts, link_counts
    # One role context per open block-level element (cleaner.page.roles.RoleContext): the
    # last one's role is a block's role here, as in the reference walk.
    cdef list contexts
    cdef object owner, link_href, link_pieces  # link_pieces: a list inside a link, else None
    cdef Py_ssize_t link_chars

    def __init__(self, bint lean=False):
        self.lean = lean
        self.texts = []
        self.link_counts = []
        self.blocks = []
        self.pieces = []
        self.link_chars = 0
        self.owner = None
        self.block_tags = []
        self.contexts = [ROOT_CONTEXT]
        self.containers = []
        self.link_href = ""
        self.link_pieces = None
        self.block_links = []

    cdef void push_structure(self, str tag, long serial, long column):
        context = self.contexts[-1]
        self.contexts.append(context.enter(tag, serial, column) if tag in _CONTEXT_TAGS else context)

    cdef void pop_structure(self):
        self.contexts.pop()

    cdef void add(self, str text, bint in_link, str tag, list path, frozenset tokens):
        if not text:
            return
        if self.owner is None:
            if text.isspace():
                return
            if self.lean:  # only whether the block has begun matters
                self.owner = True
            else:
                containers = tuple(self.containers[-_MAX_TAG_PATH:])
                self.owner = (tag, tuple(path[-_MAX_TAG_PATH:]), tokens, containers, self.contexts[-1].role)
        self.pieces.append(text)
        if in_link:
            self.link_chars += len(text.strip())
            if self.link_pieces is not None:
                self.link_pieces.append(text)

    cdef void open_link(self, str href):
        self.link_href = href
        self.link_pieces = []

    cdef void close_link(self):
        if self.link_pieces is not None:
            text = " ".join("".join(self.link_pieces).split())
            if text and self.link_href:
                self.block_links.append((text, self.link_href))
        self.link_pieces = None

    cdef void flush(self):
        if self.link_pieces is not None:  # a link that runs on past this block: its part here
            self.close_link()
            self.link_pieces = []
        if self.owner is not None:
            raw = "".join(self.pieces)
            text = " ".join(raw.split())
            if text and self.lean:
                self.texts.append(text)
                self.link_counts.append(min(self.link_chars, len(text)))
            elif text:
                tag, path, tokens, containers, role = self.owner
                self.blocks.append(
                    Block(
                        index=len(self.blocks),
                        text=text,
                        tag=tag,
                        tag_path=path,
                        attr_tokens=tokens,
                        link_chars=min(self.link_chars, len(text)),
                        containers=containers,
                        role=role,
                        verbatim=verbatim(raw) if role.kind == "code" else None,
                        links=tuple(self.block_links),
                    )
                )
        self.block_links = []
        self.pieces = []
        self.link_chars = 0
        self.owner = None


def walk_blocks(_Element root, bint links=False):
    """Return the visible text blocks of a parsed page in document order (see cleaner.page.segment.segment_html)."""
    # The walk makes many small tuples and sets and no reference cycles: the cyclic garbage
    # collector, which runs every 700 such allocations, would only rescan the page's objects.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _walk(root, _BlockBuilder(), links).blocks
    finally:
        if paused:
            gc.enable()


def walk_texts(_Element root):
    """Each block's text and link characters, as walk_blocks gives them, without making the blocks."""
    paused = gc.isenabled()  # as in walk_blocks
    gc.disable()
    try:
        builder = _walk(root, _BlockBuilder(True), False)
        return builder.texts, builder.link_counts
    finally:
        if paused:
            gc.enable()


cdef _BlockBuilder _walk(_Element root, _BlockBuilder builder, bint links):
    cdef tree.xmlNode* start = _body(root._c_node)
    if start is NULL:
        start = root._c_node
    cdef _Document document = root._doc
    cdef bint lean = builder.lean
    cdef list path = []
    cdef list block_tags = builder.block_tags
    cdef list token_stack = [_NO_TOKENS]
    cdef list own_tokens = [()]  # each open element's own tokens, for the cap
    cdef int in_link = 0  # the <a> elements open around the walk's position
    cdef bint skipping = False  # at the end of a skipped element (its subtree is never entered)
    cdef long serial = 0  # block-level elements started so far: each one's number
    cdef tree.xmlNode* node = start
    cdef tree.xmlNode* child
    cdef frozenset parent_tokens
    cdef tuple tokens
    cdef dict unions = {}  # (parent's tokens, element's own) -> their union, for this page
    tables = TableLayout()
    while True:
        # The start of node.
        tag = _tag(node)
        if tag in _SKIP_TAGS:
            skipping = True
            child = NULL
        else:
            if tag in _BLOCK_TAGS:
                if builder.owner is not None:
                    builder.flush()
                block_tags.append(tag)
                if not lean:
                    serial += 1
                    builder.containers.append(serial)
                    aria = _attribute(node, b"role")
                    structure = structure_tag(tag, elementFactory(document, node), aria) if aria else tag
                    column = (tables.start(tag, elementFactory(document, node)) or 0) if tag in _TABLE_TAGS else 0
                    builder.push_structure(structure, serial, column)
            path.append(tag)
            if node.properties is not NULL and not lean:
                tokens = _element_tokens(node)
            else:
                tokens = ()
            parent_tokens = token_stack[-1]
            own_tokens.append(tokens)
            if not tokens:
                token_stack.append(parent_tokens)
            elif len(parent_tokens) + len(tokens) <= _MAX_ATTR_TOKENS:
                # Siblings repeat their classes (fifty <li class="item">): one union each.
                key = (parent_tokens, tokens)
                union = unions.get(key)
                if union is None:
                    union = unions[key] = parent_tokens.union(tokens)
                token_stack.append(union)
            else:
                token_stack.append(nearest_tokens(own_tokens))
            if tag == "a":
                if links and not in_link:
                    builder.open_link((_attribute(node, b"href") or "").strip())
                in_link += 1
            text = _collect_text(node.children)
            if text:
                builder.add(text, in_link > 0, block_tags[-1] if block_tags else tag, path, token_stack[-1])
            child = _element_from(node.children)
        if child is not NULL:
            node = child
            continue
        # The ends of node and of its ancestors, up to the first with a next sibling.
        while True:
            if skipping:
                skipping = False
                _add_tail(builder, node, in_link, block_tags, path, token_stack)
            else:
                tag = path[-1]
                if tag == "a":
                    in_link -= 1
                    if links and not in_link:
                        builder.close_link()
                if tag in _BLOCK_TAGS:
                    if builder.owner is not None:
                        builder.flush()
                    block_tags.pop()
                    if not lean:
                        builder.pop_structure()
                        builder.containers.pop()
                        if tag == "table":
                            tables.end_table()
                path.pop()
                token_stack.pop()
                own_tokens.pop()
                if node is not start:
                    _add_tail(builder, node, in_link, block_tags, path, token_stack)
            if node is start:
                builder.flush()
                return builder
            child = _element_from(node.next)
            if child is not NULL:
                node = child
                break
            node = node.parent


cdef void _add_tail(
    _BlockBuilder builder, tree.xmlNode* node, int in_link, list block_tags, list path, list token_stack
):
    tail = _collect_text(node.next)
    if tail:
        owner = block_tags[-1] if block_tags else (path[-1] if path else "body")
        builder.add(tail, in_link > 0, owner, path, token_stack[-1])
