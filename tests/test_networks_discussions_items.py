"""A thread's posts, written in Python (netapp/networks/post_items.py), are the HTML the Jinja
loop they replaced gave, for every kind of post and reader, and escape whatever members type."""
from datetime import datetime, timedelta

from markupsafe import Markup

from netapp.networks.post_items import post_items
from netapp.services.discussions import PostRow, PostView

# The loop templates/networks/discussions/thread.html used to run, as it was.
JINJA_POSTS = """\
<ol class="post-list">
  {# Built once for every post: the addresses less their "0/edit", "0/report" and "0/hide"
     (each post's id and the action are added), and the reader's id. #}
  {% set edit_url = url_for('networks.edit_post', post_id=0)[:-6] %}
  {% set report_url = url_for('networks.report_post', post_id=0)[:-8] %}
  {% set hide_url = url_for('networks.hide_post', post_id=0)[:-6] if is_lead else '' %}
  {% set reader_id = reader.id %}
  {% for v in posts.views %}
  {% set p = v.post %}
  <li id="post-{{ p.id }}">
    <article aria-labelledby="post-{{ p.id }}-by">
      <p class="post-meta" id="post-{{ p.id }}-by"><strong>{{ v.author }}</strong>, <time datetime="{{ p.created_at.isoformat() }}">{{ p.created_at | talk_time }}</time>{% if p.edited_at %} (changed){% endif %}</p>
      {% if p.hidden_at %}
      <p class="post-hidden">Hidden by a network lead: {{ p.hidden_reason }}</p>
      {% else %}
      <div class="rendered">{{ p.body | markdown }}</div>
      {% endif %}
      {% if v.reports %}
      <div class="post-reports">
        <p><strong>Members asked you to look at this post:</strong></p>
        <ul>{% for reason in v.reports %}<li>{{ reason }}</li>{% endfor %}</ul>
      </div>
      {% endif %}
      <ul class="post-actions">
        {% if v.can_edit %}<li><a href="{{ edit_url }}{{ p.id }}/edit">Change<span class="visually-hidden"> your post</span></a></li>{% endif %}
        {% if not p.hidden_at and p.author_id != reader_id %}
          {% if v.reported_by_me %}<li class="hint">You asked the leads to look at this</li>
          {% else %}<li><a href="{{ report_url }}{{ p.id }}/report">Report<span class="visually-hidden"> the post by {{ v.author }}</span></a></li>{% endif %}
        {% endif %}
        {% if is_lead and not p.hidden_at %}<li><a href="{{ hide_url }}{{ p.id }}/hide">Hide<span class="visually-hidden"> the post by {{ v.author }}</span></a></li>{% endif %}
      </ul>
    </article>
  </li>
  {% endfor %}
</ol>"""  # noqa: E501

READER = 7
# Times either side of the clocks changing (UK summer time ends 25 October 2026, 01:00 UTC),
# a single-figure day and minute, and midnight.
WHEN = [datetime(2026, 10, 25, 0, 59), datetime(2026, 10, 25, 1, 0), datetime(2026, 3, 29, 0, 5),
        datetime(2026, 3, 29, 1, 0), datetime(2026, 1, 1, 0, 0), datetime(2026, 12, 31, 23, 59),
        datetime(2026, 7, 4, 9, 7)]


class _Posts:
    def __init__(self, views):
        self.views = views


def _views():
    """Every kind of post: the reader's own (editable or not), another's (reported by the
    reader or not), hidden, edited, with and without open reports, by someone gone, and with
    HTML typed into every value."""
    views, number = [], 0
    for author_id in (READER, 8, None):
        for hidden in (False, True):
            for edited in (False, True):
                for reports in ([], ["Spam & <b>rude</b>", "It's \"off\" topic"]):
                    for flag in (False, True):
                        number += 1
                        when = WHEN[number % len(WHEN)]
                        post = PostRow(
                            id=number, author_id=author_id,
                            body=f"Post {number} with **bold** <script>x</script> & [a](https://e.org)",
                            created_at=when,
                            edited_at=when + timedelta(minutes=3) if edited else None,
                            hidden_at=when + timedelta(hours=1) if hidden else None,
                            hidden_reason="Names <i>a</i> resident & 'family'" if hidden else "")
                        views.append(PostView(
                            post, "Someone no longer here" if author_id is None
                            else f"Ann <em>{number}</em> & \"O'Brien\"",
                            can_edit=flag and author_id == READER and not hidden,
                            reported_by_me=flag and author_id != READER, reports=reports))
    return views


def _compare(app, views, is_lead):
    from flask import url_for

    with app.test_request_context():
        expected = app.jinja_env.from_string(JINJA_POSTS).render(
            posts=_Posts(views), reader=type("Reader", (), {"id": READER}), is_lead=is_lead)
        got = post_items(views, READER, is_lead,
                         url_for("networks.edit_post", post_id=0)[:-6],
                         url_for("networks.report_post", post_id=0)[:-8],
                         url_for("networks.hide_post", post_id=0)[:-6] if is_lead else "")
    assert isinstance(got, Markup)
    assert expected == f'<ol class="post-list">{got}\n</ol>'
    return got


def test_posts_are_the_html_the_template_gave_for_a_lead_and_a_member(app):
    views = _views()
    as_lead = _compare(app, views, is_lead=True)
    as_member = _compare(app, views, is_lead=False)
    assert "/hide" in as_lead and "/hide" not in as_member
    assert "Members asked you to look at this post:" in as_lead
    for got in (as_lead, as_member):
        assert "<script>" not in got and "<em>1</em>" not in got
        assert "Ann &lt;em&gt;1&lt;/em&gt; &amp; &#34;O&#39;Brien&#34;" in got
        assert "Spam &amp; &lt;b&gt;rude&lt;/b&gt;" in got
        assert "Hidden by a network lead: Names &lt;i&gt;a&lt;/i&gt; resident" in got
        assert "<strong>bold</strong>" in got  # the Markdown, rendered
        assert "25 October 2026, 01:59" in got and "25 October 2026, 01:00" in got


def test_no_posts_write_what_the_loop_wrote_around_them(app):
    _compare(app, [], is_lead=False)
    _compare(app, [], is_lead=True)
