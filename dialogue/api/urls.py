from rest_framework.routers import SimpleRouter

from dialogue.api import views

router = SimpleRouter()
router.register("materials", views.MaterialViewSet, basename="dialogue-material")
router.register("lectures", views.LectureViewSet, basename="dialogue-lecture")

urlpatterns = router.urls
