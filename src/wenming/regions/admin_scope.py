"""Admin pages go through the same scope as pages and the API (DESIGN §1).

A ModelAdmin names the roles that may open it and how a row reaches its region
(`scope_path_field`); superusers see everything, others only their subtree.

The choices of its forms are scoped too. A foreign key or many-to-many field whose model says
how it reaches the region tree (a class attribute `scope_path_lookup`, e.g. "node__path")
offers only the records of the editor's subtree, and since a form checks a submitted value
against the same queryset, a value from outside (a raw id typed in, a stale form) is refused
on save. `related_filters` narrows a field further (a team's leader must be a team leader).
"""

from django.contrib import admin
from django.db.models import Q

from wenming.regions.selectors import scope_path


def scoped_choices(queryset, user):
    """`queryset` cut to the user's subtree when its model says how it reaches the region tree."""
    lookup = getattr(queryset.model, "scope_path_lookup", None)
    if lookup is None or user.is_superuser:
        return queryset
    prefix = scope_path(user)
    if prefix is None:
        return queryset.none()
    return queryset.filter(**{f"{lookup}__startswith": prefix})


class ScopedAdmin(admin.ModelAdmin):
    scope_path_field: str | None = None      # e.g. "node__path"; None: no regional rows
    view_roles: frozenset[str] = frozenset()
    edit_roles: frozenset[str] = frozenset()
    related_filters: dict[str, dict] = {}    # field name → extra filter of its choices
    can_add = True
    can_delete = False

    def _role(self, request):
        return getattr(request.user, "role", None)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        user = request.user
        if user.is_superuser or self.scope_path_field is None:
            return qs
        prefix = scope_path(user)
        if prefix is None:
            return qs.none()
        return qs.filter(Q(**{f"{self.scope_path_field}__startswith": prefix}))

    def _scoped(self, db_field, request, kwargs):
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.all()
        queryset = scoped_choices(queryset, request.user)
        if db_field.name in self.related_filters:
            queryset = queryset.filter(**self.related_filters[db_field.name])
        kwargs["queryset"] = queryset
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._scoped(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scoped(db_field, request, kwargs))

    def has_module_permission(self, request):
        return request.user.is_superuser or (request.user.is_staff and self._role(request) in self.view_roles | self.edit_roles)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser or (request.user.is_staff and self._role(request) in self.edit_roles)

    def has_add_permission(self, request):
        return self.can_add and self.has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.can_delete and request.user.is_superuser
