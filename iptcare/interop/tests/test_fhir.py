import json
from typing import Any

from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from iptcare.course.tests.helpers import hold_sessions, make_course
from iptcare.interop import fhir
from iptcare.measures import instruments
from iptcare.measures.models import Response
from iptcare.measures.tests.helpers import assign, submit
from iptcare.test import BaseTestCase


def dump(resource) -> Any:
    return resource.model_dump(mode="json", exclude_none=True)


class FhirTestCase(BaseTestCase):
    phq9_response: Response
    epds_response: Response

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        course = make_course(cls.cal, cls.tess)
        hold_sessions(course, cls.tess, 1)
        cls.phq9_response = submit(assign(course, cls.tess, "phq9"), [2] * 8 + [0])
        cls.epds_response = submit(assign(course, cls.tess, "epds"), [1] * 9 + [0])

    def test_every_questionnaire_validates_and_carries_the_spec_codes(self):
        for instrument in instruments.all_instruments().values():
            with self.subTest(instrument=instrument.id):
                resource = fhir.questionnaire(instrument)
                again = dump(Questionnaire.model_validate_json(resource.model_dump_json()))
                self.assertEqual(len(again["item"]), len(instrument.items))
        phq9 = dump(fhir.questionnaire(instruments.get("phq9")))
        self.assertEqual(phq9["code"][0]["code"], "44249-1")
        self.assertEqual(phq9["item"][8]["code"][0]["code"], "44260-8")
        self.assertIn("Regenstrief", phq9["copyright"])
        epds = dump(fhir.questionnaire(instruments.get("epds")))
        self.assertNotIn("code", epds["item"][0])  # unverified item codes are left out
        coding = epds["item"][2]["answerOption"][0]["valueCoding"]
        self.assertEqual((coding["system"], coding["code"]), (fhir.LOCAL_ANSWERS, "epds_q3_a3"))

    def test_responses_and_observations_validate(self):
        for response in (self.phq9_response, self.epds_response):
            with self.subTest(instrument=response.instrument):
                answers = fhir.questionnaire_response(response)
                QuestionnaireResponse.model_validate_json(answers.model_dump_json())
                total = fhir.observation(response)
                Observation.model_validate_json(total.model_dump_json())
        phq9 = dump(fhir.observation(self.phq9_response))
        self.assertEqual((phq9["code"]["coding"][0]["code"], phq9["valueInteger"]), ("44261-6", 16))
        self.assertEqual(phq9["interpretation"][0]["text"], "Moderately severe")
        epds = dump(fhir.observation(self.epds_response))
        self.assertEqual(epds["code"]["coding"][0]["code"], "99046-5")
        first = dump(fhir.questionnaire_response(self.phq9_response))["item"][0]
        self.assertEqual(first["answer"][0]["valueCoding"]["code"], "LA6570-1")

    def test_the_client_bundle_endpoint(self):
        self.client.force_login(self.tess)
        response = self.client.get(reverse("interop:fhir-client-bundle", args=[self.cal.code]))
        self.assertEqual(response["Content-Type"], "application/fhir+json")
        bundle = dump(Bundle.model_validate(json.loads(response.content)))
        self.assertEqual(len(bundle["entry"]), 4)
        self.assertNotIn("Cal", response.content.decode())
        self.assertTrue(self.audit_rows(action="interop.fhir_bundle.exported").exists())

    def test_the_bundle_is_for_the_clients_therapists_only(self):
        url = reverse("interop:fhir-client-bundle", args=[self.cal.code])
        for user, status in [
            (self.otto, 404),
            (self.olga, 404),
            (self.ada, 403),
            (self.cal_user, 403),
        ]:
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, status)

    def test_the_questionnaire_endpoint(self):
        self.client.force_login(self.tess)
        response = self.client.get(reverse("interop:fhir-questionnaire", args=["gad7"]))
        self.assertEqual(Questionnaire.model_validate(json.loads(response.content)).id, "gad7")
        missing = reverse("interop:fhir-questionnaire", args=["beck"])
        self.assertEqual(self.client.get(missing).status_code, 404)
