from django.shortcuts import redirect, render

from wenming.core.navigation import start_page_for


def home(request):
    if request.user.is_authenticated:
        target = start_page_for(request.user)
        if target:
            return redirect(target)
    return render(request, "core/home.html")
