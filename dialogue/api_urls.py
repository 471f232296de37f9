from rest_framework.routers import SimpleRouter

from dialogue import api

router = SimpleRouter()
router.register("materials", api.MaterialViewSet, basename="dialogue-material")
router.register("lectures", api.LectureViewSet, basename="dialogue-lecture")

urlpatterns = router.urls
