"""--comments (issue 19): the reader comments as a record's ``comments`` list, never in its text."""

import json

from click.testing import CliRunner

import cleaner
from cleaner.cli import cli
from cleaner.config import Config
from cleaner.extractors.comments import comment_regions, reader_comments
from cleaner.output.records import result_record
from cleaner.page.segment import parse_html

ARTICLE = (
    "<article><h1>Trams return to the old town</h1>"
    "<p>The city council voted on Tuesday to bring trams back to the old town after forty years, a decision "
    "that shop owners along the market street had asked for since the last line closed.</p>"
    "<p>Work on the tracks starts in the spring and the first trams should run before the end of next year, "
    "the mayor said at a press conference in the town hall.</p></article>"
)
# WordPress's comment markup: a threaded list, the author and date in a meta footer, a Reply
# link under each comment, then the "Leave a Reply" form.
WORDPRESS = (
    "<html><body>" + ARTICLE + '<div id="comments" class="comments-area">'
    '<h2 class="comments-title">2 thoughts on &ldquo;Trams return to the old town&rdquo;</h2>'
    '<ol class="comment-list"><li id="comment-11" class="comment even thread-even depth-1 parent">'
    '<article id="div-comment-11" class="comment-body"><footer class="comment-meta">'
    '<div class="comment-author vcard"><b class="fn">Ann Lee</b> <span class="says">says:</span></div>'
    '<div class="comment-metadata"><a href="#c11"><time datetime="2024-03-01T10:00:00+00:00">March 1, 2024 at '
    "10:00 am</time></a></div></footer>"
    '<div class="comment-content"><p>Finally! I took the tram to school as a child.</p>'
    "<p>Will the old depot be used again?</p></div>"
    '<div class="reply"><a class="comment-reply-link" href="#">Reply</a></div></article>'
    '<ol class="children"><li id="comment-12" class="comment byuser odd alt depth-2">'
    '<article id="div-comment-12" class="comment-body"><footer class="comment-meta">'
    '<div class="comment-author vcard"><b class="fn">Bo Chan</b> <span class="says">says:</span></div>'
    '<div class="comment-metadata"><time datetime="2024-03-02T08:30:00+00:00">March 2, 2024</time></div>'
    '</footer><div class="comment-content"><p>The depot becomes a museum, the council said.</p></div>'
    '<div class="reply"><a class="comment-reply-link" href="#">Reply</a></div></article></li></ol>'
    "</li></ol>"
    '<div id="respond" class="comment-respond"><h3 id="reply-title">Leave a Reply</h3>'
    '<form id="commentform"><p>Your email address will not be published. Required fields are marked *</p>'
    '<p><label>Comment *</label><textarea name="comment"></textarea></p>'
    '<p>What is 3 + 4? <input name="captcha"></p><input type="submit" value="Post Comment"></form></div>'
    "</div></body></html>"
)
# schema.org Comment items with no comment class anywhere.
SCHEMA = (
    "<html><body>" + ARTICLE + '<div class="discussion">'
    '<div itemprop="comment" itemscope itemtype="https://schema.org/Comment">'
    '<span itemprop="author">Cy</span> <meta itemprop="dateCreated" content="2024-05-02">'
    '<p itemprop="text">Trams are quieter than the buses they replace.</p></div>'
    '<div itemprop="comment" itemscope itemtype="https://schema.org/Comment">'
    '<span itemprop="author">Di</span><p itemprop="text">And the market street will be car free at last.</p>'
    "</div></div></body></html>"
)
# No markup names the comments: a "3 Comments" heading, then a plain list.
HEADING = (
    "<html><body>" + ARTICLE + "<h3>3 Comments</h3><ul>"
    "<li><p>Great news for the town.</p></li><li><p>What about the night buses?</p></li>"
    "<li><p>Forty years too late, if you ask me.</p></li></ul></body></html>"
)
# Things named "comment" that hold no comment of this page: a link with a count, a
# sidebar of other pages' recent comments.
NOT_COMMENTS = (
    "<html><body>" + ARTICLE + '<a class="comments-link" href="#comments">5 Comments</a>'
    '<aside class="widget widget_recent_comments"><h2>Recent Comments</h2><ul id="recentcomments">'
    '<li class="recentcomments">Ann on <a href="/a">Bridges</a></li>'
    '<li class="recentcomments">Bo on <a href="/b">Ferries</a></li></ul></aside></body></html>'
)


def test_wordpress_comments_are_listed_with_author_and_date_and_without_chrome():
    result = cleaner.clean(WORDPRESS, config=Config(comments=True))
    assert result.comments == [
        {
            "text": "Finally! I took the tram to school as a child.\nWill the old depot be used again?",
            "author": "Ann Lee",
            "date": "2024-03-01T10:00:00+00:00",
        },
        {
            "text": "The depot becomes a museum, the council said.",
            "author": "Bo Chan",
            "date": "2024-03-02T08:30:00+00:00",
        },
    ]
    assert "Finally!" not in result.text and "depot" not in result.text
    assert "forty years" in result.text


def test_the_flag_never_changes_the_text_and_without_it_there_is_no_comments_key():
    on = cleaner.clean(WORDPRESS, config=Config(comments=True))
    off = cleaner.clean(WORDPRESS)
    assert on.text == off.text
    assert off.comments is None and "comments" not in result_record(off, Config())
    record = result_record(on, Config(comments=True))
    assert list(record) == ["id", "text", "metadata", "comments"]


def test_schema_org_comments():
    result = cleaner.clean(SCHEMA, config=Config(comments=True))
    assert result.comments == [
        {"text": "Trams are quieter than the buses they replace.", "author": "Cy", "date": "2024-05-02"},
        {"text": "And the market street will be car free at last.", "author": "Di"},
    ]


def test_the_list_after_a_comments_heading():
    comments = reader_comments(parse_html(HEADING), "")
    assert [c.text for c in comments] == [
        "Great news for the town.",
        "What about the night buses?",
        "Forty years too late, if you ask me.",
    ]


def test_links_counters_and_other_pages_comments_are_not_comments():
    assert comment_regions(parse_html(NOT_COMMENTS)) == []
    assert cleaner.clean(NOT_COMMENTS, config=Config(comments=True)).comments == []


def test_widget_lines_and_pingbacks_in_a_comment_list_are_not_comments():
    page = (
        '<html><body><div id="comments"><ol class="comment-list">'
        '<li class="comment"><p>Loading Comments...</p></li>'
        '<li class="comment"><p>Pingback: Ten tram lines we miss | Another Blog</p></li>'
        '<li class="comment"><p>Nice piece, thanks.</p><a href="#">Reply</a></li></ol></div></body></html>'
    )
    assert [c.text for c in reader_comments(parse_html(page), "")] == ["Nice piece, thanks."]


def test_a_note_beside_the_comments_and_a_toolbar_are_not_comments():
    page = (
        '<html><body><div class="kommentare"><div class="rubrik">Kommentare</div>'
        '<div class="kommentar-item"><p>Quantensprung? Wohl eher ein kleiner Schritt.</p></div>'
        '<div class="kommentar-item"><p>Endlich fahren die Bahnen wieder.</p></div>'
        '<div class="fussnote">Es gibt kein Recht auf Veröffentlichung. Die Redaktion löscht beleidigende '
        "Kommentare.</div></div>"
        '<section id="comments"><div class="bar">Comments</div><div class="cell">Sign In</div></section>'
        "</body></html>"
    )
    assert [c.text for c in reader_comments(parse_html(page), "")] == [
        "Quantensprung? Wohl eher ein kleiner Schritt.",
        "Endlich fahren die Bahnen wieder.",
    ]


def test_a_comment_the_text_holds_is_content_and_not_listed_again():
    # A forum thread: the extractor keeps the posts as the page's content.
    root = parse_html(WORDPRESS)
    text = "Finally! I took the tram to school as a child.\nWill the old depot be used again?"
    assert [c.author for c in reader_comments(root, text)] == ["Bo Chan"]


def test_text_dumps_have_an_empty_comments_list():
    dump = "Trams return\nThe city council voted on Tuesday to bring trams back.\n3 Comments\nGreat news.\n"
    result = cleaner.clean(dump, input_type="text", config=Config(comments=True))
    assert result.comments == []


def test_comments_option(tmp_path):
    page = tmp_path / "a.html"
    page.write_text(WORDPRESS, encoding="utf-8")
    with_flag = json.loads(CliRunner().invoke(cli, ["clean", str(page), "--comments"]).stdout.splitlines()[0])
    without = json.loads(CliRunner().invoke(cli, ["clean", str(page)]).stdout.splitlines()[0])
    assert [c["author"] for c in with_flag["comments"]] == ["Ann Lee", "Bo Chan"]
    assert "comments" not in without and without["text"] == with_flag["text"]
