"""What the Content-Security-Policy forbids, checked in a page's HTML."""

from html.parser import HTMLParser


class _InlineCode(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names and dict(attrs).get("type") != "application/json":
            self.found.append("an inline <script>")
        if tag == "style":
            self.found.append("a <style> element")
        if "style" in names:
            self.found.append(f'a style="" attribute on <{tag}>')
        self.found += [f"an {name} handler on <{tag}>" for name in names if name.startswith("on")]


def inline_code(html: str) -> list[str]:
    """Inline scripts, styles and event handlers in `html`: none may be there."""
    parser = _InlineCode()
    parser.feed(html)
    return parser.found
