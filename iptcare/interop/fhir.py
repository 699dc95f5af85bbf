"""FHIR resources for the questionnaires, built and validated with `fhir.resources`.

fhir.resources 8 carries FHIR R5 and R4B (4.3), not R4 (4.0.1) itself; Questionnaire,
QuestionnaireResponse, Observation and Bundle are the same in R4 and R4B for every
element used here, so we build R4B models. Answers are coded as the spec says: LOINC
answer codes for PHQ-9 and GAD-7, local codes for EPDS; item and total-score codes only
where the spec gives them (see measures.json "fhir" and "loinc_notice").
"""

from typing import Any

from django.conf import settings
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from iptcare.care.models import Client
from iptcare.measures import instruments
from iptcare.measures.instruments import Instrument
from iptcare.measures.models import Response

LOINC = "http://loinc.org"
LOCAL_ANSWERS = "urn:iptcare:measures:answer"


def canonical(instrument: Instrument) -> str:
    return f"{settings.SITE_URL}/app/fhir/Questionnaire/{instrument.id}"


def _coding(code: str, display: str) -> dict:
    system = LOINC if code.startswith("LA") else LOCAL_ANSWERS
    return {"system": system, "code": code, "display": display}


def questionnaire(instrument: Instrument) -> Questionnaire:
    notice = instruments.spec()["conventions"]["loinc_notice"]
    items = []
    for item in instrument.items:
        entry: dict[str, Any] = {
            "linkId": item.link_id,
            "text": item.text,
            "type": "choice",
            "required": item.required,
            "answerOption": [{"valueCoding": _coding(o.code, o.text)} for o in item.options],
        }
        if item.loinc:
            entry["code"] = [{"system": LOINC, "code": item.loinc}]
        items.append(entry)
    data: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": instrument.id,
        "url": canonical(instrument),
        "version": instrument.version,
        "name": instrument.id.upper(),
        "title": instrument.title,
        "status": "active",
        "subjectType": ["Patient"],
        "copyright": f"{instrument.copyright} {notice}".strip(),
        "item": items,
    }
    if instrument.panel_loinc:
        data["code"] = [{"system": LOINC, "code": instrument.panel_loinc}]
    return Questionnaire.model_validate(data)


def _patient(client: Client) -> dict:
    return {"reference": f"urn:uuid:{client.code}", "display": "Client"}


def questionnaire_response(response: Response) -> QuestionnaireResponse:
    definition = response.definition
    answers = response.answers
    items = []
    for item in definition.items:
        if item.link_id not in answers:
            continue
        option = item.option(answers[item.link_id])
        assert option is not None
        items.append(
            {
                "linkId": item.link_id,
                "text": item.text,
                "answer": [{"valueCoding": _coding(option.code, option.text)}],
            }
        )
    assert response.submitted_at is not None
    return QuestionnaireResponse.model_validate(
        {
            "resourceType": "QuestionnaireResponse",
            "id": str(response.code),
            "questionnaire": f"{canonical(definition)}|{response.schema_version}",
            "status": "completed",
            "subject": _patient(response.course.client),
            "authored": response.submitted_at.isoformat(),
            "item": items,
        }
    )


def observation(response: Response) -> Observation:
    """The total score, LOINC-coded, with its severity band as the interpretation."""
    definition = response.definition
    assert response.submitted_at is not None and response.total is not None
    code: dict[str, Any] = {"text": f"{definition.short_name} total score"}
    if definition.total_loinc:
        code["coding"] = [{"system": LOINC, "code": definition.total_loinc}]
    return Observation.model_validate(
        {
            "resourceType": "Observation",
            "id": f"{response.code}-total",
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "survey",
                        }
                    ]
                }
            ],
            "code": code,
            "subject": _patient(response.course.client),
            "effectiveDateTime": response.submitted_at.isoformat(),
            "valueInteger": response.total,
            "interpretation": [{"text": response.band_label}],
            "derivedFrom": [{"reference": f"urn:uuid:{response.code}"}],
        }
    )


def client_bundle(client: Client, responses: list[Response]) -> Bundle:
    """Every sent response of the client with its total, as a collection Bundle."""
    entries = []
    for response in responses:
        entries.append(
            {
                "fullUrl": f"urn:uuid:{response.code}",
                "resource": questionnaire_response(response).model_dump(
                    mode="json", exclude_none=True
                ),
            }
        )
        entries.append(
            {
                "fullUrl": f"urn:iptcare:observation:{response.code}",
                "resource": observation(response).model_dump(mode="json", exclude_none=True),
            }
        )
    return Bundle.model_validate({"resourceType": "Bundle", "type": "collection", "entry": entries})
