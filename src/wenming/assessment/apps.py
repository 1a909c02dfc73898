from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "wenming.assessment"
    label = "assessment"
    verbose_name = "创建管理"

    def ready(self):
        from wenming.assessment import selectors as s
        from wenming.core.media import MediaKind, register

        for kind in (
            MediaKind("assessment/materials/", "assessment.MaterialFile", "file", s.material_file_readable),
            MediaKind("assessment/contributions/", "assessment.ContributionFile", "file", s.contribution_file_readable),
            MediaKind("assessment/problems/", "assessment.ProblemPhoto", "image", s.problem_photo_readable),
            MediaKind("assessment/bulletins/", "assessment.Bulletin", "file", s.bulletin_file_readable),
            MediaKind("assessment/ads/", "assessment.PublicAd", "photo", s.ad_photo_readable),
            MediaKind("assessment/nominees/", "assessment.Nominee", "photo", s.nominee_photo_readable,
                      public=s.nominee_photo_public),
        ):
            register(kind)
