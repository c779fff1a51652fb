from django.urls import path

from .views import assessments, checklist

app_name = "assessments"

urlpatterns = [
    path("", assessments.assessment_list, name="list"),
    path("new/<int:strategy_pk>/", assessments.assessment_create_view, name="create"),
    path("<int:pk>/", assessments.assessment_detail, name="detail"),
    path("<int:pk>/checklist/", checklist.checklist, name="checklist"),
    path("<int:pk>/scores/<int:score_pk>/", checklist.score_save_view, name="score-save"),
    path("<int:pk>/scores/<int:score_pk>/history/", checklist.score_history, name="score-history"),
    path("<int:pk>/transition/", assessments.assessment_transition_view, name="transition"),
    path("<int:pk>/reopen/", assessments.assessment_reopen_view, name="reopen"),
    path("<int:pk>/observations/", assessments.observation_add_view, name="observation-add"),
]
