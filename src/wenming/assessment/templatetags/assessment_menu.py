"""`{% assessment_menu user as menu %}`: the sub-menu's role flags, from assessment.permissions."""

from django import template

from wenming.assessment.permissions import menu_flags

register = template.Library()


@register.simple_tag
def assessment_menu(user) -> dict[str, bool]:
    return menu_flags(user)
