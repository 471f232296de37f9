"""What the material and lecture admins share: only administrators manage them."""

from dialogue import permissions
from dialogue.admin.history import RevertThroughServiceAdmin


class MediaAdmin(RevertThroughServiceAdmin):
    """The material and the lecture speak for the whole municipal group: only administrators change them."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and permissions.can_manage_media(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and permissions.can_manage_media(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and permissions.can_manage_media(request.user)
