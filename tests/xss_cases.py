"""XSS attempts typed into a post or a story: each must come out as harmless text or markup.

Used by tests/test_markdown.py (the HTML) and tests/browser/test_networks_discussions.py (a
real browser opens a page with all of them and no dialog may appear).
"""

XSS_CASES = [
    "<script>alert('script')</script>",
    "<img src=x onerror=alert('img')>",
    "<svg onload=alert('svg')></svg>",
    "<svg><script>alert('svg-script')</script></svg>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "[click me](javascript:alert('link'))",
    "[click me](JaVaScRiPt:alert('case'))",
    "[click me](javascript&#58;alert('entity'))",
    "[click me](&#106;avascript:alert('entity2'))",
    "[click me](  javascript:alert('spaces'))",
    "[click me](java\nscript:alert('newline'))",
    "[click me](vbscript:msgbox('vb'))",
    "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgnZGF0YScpPC9zY3JpcHQ+)",
    "![pic](javascript:alert('image'))",
    "![pic](https://example.org/x.png\" onerror=\"alert('attr'))",
    "<javascript:alert('autolink')>",
    "<a href=\"javascript:alert('raw-a')\">raw</a>",
    "[a [nested](javascript:alert('nested'))](https://example.org)",
    "[ok](https://example.org \"title\" onmouseover=alert('title'))",
    "<details open ontoggle=alert('details')>",
    "<body onload=alert('body')>",
    "<style>*{background:url(javascript:alert('css'))}</style>",
    "`<script>alert('code')</script>`",
    "```\n<script>alert('fence')</script>\n```",
    "[ref]\n\n[ref]: javascript:alert('reference')",
    "&lt;script&gt;alert('escaped')&lt;/script&gt;",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>",
    "<form action=\"javascript:alert('form')\"><button>go</button></form>",
    "<input autofocus onfocus=alert('input')>",
    "[x](//evil.example.org/steal)",
]
