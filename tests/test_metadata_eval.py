"""The checks of bench.metadata_eval: what counts as a right title, author and date."""

from bench.metadata_eval import author_ok, date_ok, declared_site_names, lead_name, site_names, title_ok

NAMES = site_names("https://www.dailyplanet.example/news/trees", ["The Daily Planet"])


def test_site_names_are_the_host_its_labels_and_the_declared_name():
    assert {"wwwdailyplanetexample", "dailyplanet", "thedailyplanet"} == NAMES


def test_title_equal_after_folding_case_space_and_typography():
    assert title_ok("Why  cities need “more” trees", 'why cities need "more" trees', NAMES)
    assert not title_ok("Why cities need trees", "Why cities need more trees", NAMES)
    assert not title_ok(None, "Why cities need more trees", NAMES)


def test_title_with_the_site_name_as_first_or_last_segment_counts():
    assert title_ok("Why cities need more trees | The Daily Planet", "Why cities need more trees", NAMES)
    assert title_ok("Daily Planet - Why cities need more trees", "Why cities need more trees", NAMES)
    assert title_ok("News: Why cities need more trees - dailyplanet.example", "News: Why cities need more trees", NAMES)


def test_title_with_another_segment_than_the_site_name_does_not_count():
    assert not title_ok("Why cities need more trees | Opinion", "Why cities need more trees", NAMES)
    # A long segment holding the site's name is part of the headline, not the name.
    assert not title_ok(
        "Why cities need more trees - what the Daily Planet readers told us", "Why cities need more trees", NAMES
    )


def test_lead_name_of_a_gold_author():
    assert lead_name("Rui Ma, Heba Ledwon & Suparn Patra") == "Rui Ma"
    assert lead_name("Dylan Bailey, MS, RD, FAND") == "Dylan Bailey"
    assert lead_name("Tomson Highway and From Masculindians") == "Tomson Highway"
    assert lead_name("Ann Lee; Bo Chan") == "Ann Lee"


def test_author_is_the_lead_name_as_whole_words_of_the_field():
    assert author_ok("Ann Lee; Bo Chan", "Ann Lee, Bo Chan")
    assert author_ok("ann  LEE", "Ann Lee")
    assert not author_ok("Ann Leeds", "Ann Lee")
    assert not author_ok("Bo Chan", "Ann Lee, Bo Chan")
    assert not author_ok(None, "Ann Lee")


def test_date_is_the_same_day():
    assert date_ok("2023-12-20T08:15:00+00:00", "2023-12-20")
    assert not date_ok("2023-12-21", "2023-12-20")
    assert not date_ok(None, "2023-12-20")


def test_declared_site_names_read_from_the_page():
    html = b'<html><head><meta property="og:site_name" content="The Daily Planet"></head><body></body></html>'
    assert declared_site_names(html) == ["The Daily Planet"]
