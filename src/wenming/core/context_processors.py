from wenming.core.navigation import menu_for
from wenming.core.notices import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": [], "unread_notices": 0}
    # lazily: pages that never show the badge (API, admin) do not pay for the count
    return {"nav_items": menu_for(user), "unread_notices": lambda: unread_count(user)}
