"""FastMarkup formats exactly as markupsafe's Markup does: every argument without __html__ is escaped."""

import pytest
from markupsafe import Markup

from ietm.render.content.fastmarkup import FastMarkup

ARGS = ['<script>alert("x")</script>', "a & b", Markup("<b>kept</b>"), 42, None, "'quoted'", "{}"]


@pytest.mark.parametrize("value", ARGS)
def test_same_result_as_markupsafe(value):
    template = '<p title="{0}">{0}</p><i>{1}</i>'
    assert FastMarkup(template).format(value, value) == Markup(template).format(value, value)
    assert FastMarkup("<a href='{u}'>{t}</a>").format(u=value, t=value) == Markup("<a href='{u}'>{t}</a>").format(u=value, t=value)


def test_result_is_markup_and_formats_again():
    out = FastMarkup("<li>{}</li>").format("<x>")
    assert isinstance(out, Markup) and str(out) == "<li>&lt;x&gt;</li>"
    assert FastMarkup("<ul>{}</ul>").format(out) == "<ul><li>&lt;x&gt;</li></ul>"


@pytest.mark.parametrize("value", ARGS)
def test_large_arguments_are_joined_to_the_same_result(value):
    """Arguments of more than a few thousand characters (a business-rules page's body, with non-ASCII text) are
    put together by a join, not by str.format: the result must be what markupsafe makes."""
    large = FastMarkup("<div>" + "Проверка & <b>x</b> " * 500 + "</div>")
    for template in ('<p title="{0}">{0}</p><i>{1}</i>{{kept}}', "{}{}", "<section>{} {}</section>\n"):
        assert FastMarkup(template).format(value, large) == Markup(template).format(value, large)
        assert FastMarkup(template).format(large, value) == Markup(template).format(large, value)
