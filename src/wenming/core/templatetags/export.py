"""`{% export_link %}`: the page's own address with its filters and `format=xlsx` (no page number)."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def export_link(context, label="导出 Excel"):
    params = context["request"].GET.copy()
    for key in ("page", "format"):
        params.pop(key, None)
    params["format"] = "xlsx"
    return format_html('<a class="btn btn-small" href="?{}" download>{}</a>', params.urlencode(), label)
