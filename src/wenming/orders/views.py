from django.http import HttpResponse


def _todo(request, *a, **k):
    return HttpResponse("")


place = mine = tasks = console = detail = act = _todo
