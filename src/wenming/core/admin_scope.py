"""Admin lists go through the same scope as pages and the API (DESIGN §1).

A ModelAdmin names the roles that may open it and how a row reaches its region
(`scope_path_field`); superusers see everything, others only their subtree.
"""

from django.contrib import admin
from django.db.models import Q


class ScopedAdmin(admin.ModelAdmin):
    scope_path_field: str | None = None      # e.g. "node__path"; None: no regional rows
    view_roles: frozenset[str] = frozenset()
    edit_roles: frozenset[str] = frozenset()
    can_add = True
    can_delete = False

    def _role(self, request):
        return getattr(request.user, "role", None)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        user = request.user
        if user.is_superuser or self.scope_path_field is None:
            return qs
        from wenming.regions.selectors import scope_path

        prefix = scope_path(user)
        if prefix is None:
            return qs.none()
        return qs.filter(Q(**{f"{self.scope_path_field}__startswith": prefix}))

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
