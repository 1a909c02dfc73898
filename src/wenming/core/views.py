from django.shortcuts import redirect, render

# where each role starts after logging in
START_PAGE = {
    "citizen": "orders:mine",
    "volunteer": "orders:mine",
    "team_leader": "orders:tasks",
    "station_admin": "orders:console",
    "institute_admin": "orders:console",
    "center_admin": "orders:console",
    "leader": "orders:console",
}


def home(request):
    user = request.user
    if user.is_authenticated:
        target = START_PAGE.get("center_admin" if user.is_superuser else user.role)
        if target:
            return redirect(target)
    return render(request, "core/home.html")
