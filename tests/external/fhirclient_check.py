#!/usr/bin/env python3
"""Checks what Wellspring emits with an FHIR R4 implementation nobody here wrote.

Uses the SMART `fhirclient` package (its R4 4.0.1 models parse strictly: wrong types and unknown
elements are errors) both as a model validator and as a real client. Usage:
    fhirclient_check.py BASE_URL        e.g. http://127.0.0.1:18080/fhir
The access token (an integration client's, from the server's OAuth token endpoint) comes in the
WELLSPRING_TOKEN environment variable; the SMART discovery document is checked too.
Prints one line per check and a closing 'N passed, N failed' line; exits non-zero on any failure.
"""
import json
import os
import sys
import urllib.error
import urllib.request
import uuid

from fhirclient import client
from fhirclient.models import (bundle, capabilitystatement, operationoutcome, patient,
                               observation)
from fhirclient.models.fhirabstractbase import FHIRValidationError
import fhirclient.models as models
import importlib

BASE = sys.argv[1].rstrip("/")
TOKEN = os.environ.get("WELLSPRING_TOKEN", "")
if TOKEN:
    # fhirclient's server talks through requests: send the bearer token on every request to BASE.
    import requests
    _orig_request = requests.sessions.Session.request

    def _with_token(self, method, url, *args, **kwargs):
        if str(url).startswith(BASE):
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("Authorization", "Bearer " + TOKEN)
            kwargs["headers"] = headers
        return _orig_request(self, method, url, *args, **kwargs)

    requests.sessions.Session.request = _with_token
passed = 0
failed = 0


def check(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print(f"ok    {name}")
    except Exception as e:  # noqa: BLE001 - report every failure, keep going
        failed += 1
        print(f"FAIL  {name}: {e}")


def http(method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Accept", "application/fhir+json")
    if data is not None:
        req.add_header("Content-Type", "application/fhir+json")
    if TOKEN:
        req.add_header("Authorization", "Bearer " + TOKEN)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, (json.loads(raw) if raw else None)


def model_class(resource_type):
    mod = importlib.import_module("fhirclient.models." + resource_type.lower())
    return getattr(mod, resource_type)


def strict_parse(resource):
    """Parse with the fhirclient R4 model for its type; raises on any deviation."""
    cls = model_class(resource["resourceType"])
    cls(resource, strict=True)


PID = "urn:uuid:" + str(uuid.uuid4())
PRACT = "urn:uuid:" + str(uuid.uuid4())
ORG = "urn:uuid:" + str(uuid.uuid4())
suffix = uuid.uuid4().hex[:8]
TX = {
    "resourceType": "Bundle", "type": "transaction",
    "entry": [
        {"fullUrl": ORG, "request": {"method": "POST", "url": "Organization"},
         "resource": {"resourceType": "Organization", "name": "Riverside Medical Center " + suffix, "active": True,
                      "address": [{"city": "Springfield", "postalCode": "99999"}]}},
        {"fullUrl": PRACT, "request": {"method": "POST", "url": "Practitioner"},
         "resource": {"resourceType": "Practitioner", "name": [{"family": "Okafor", "given": ["Ada"]}], "gender": "female"}},
        {"request": {"method": "POST", "url": "PractitionerRole"},
         "resource": {"resourceType": "PractitionerRole", "practitioner": {"reference": PRACT},
                      "organization": {"reference": ORG},
                      "specialty": [{"coding": [{"system": "http://snomed.info/sct", "code": "394579002", "display": "Cardiology"}]}]}},
        {"fullUrl": PID, "request": {"method": "POST", "url": "Patient"},
         "resource": {"resourceType": "Patient", "identifier": [{"system": "urn:wellspring:mrn", "value": "MRN" + suffix}],
                      "name": [{"family": "Zyxwell" + suffix, "given": ["Maria", "José"]}], "gender": "female",
                      "birthDate": "1961-07-04", "generalPractitioner": [{"reference": PRACT}],
                      "address": [{"line": ["1 Main St"], "city": "Springfield", "postalCode": "99999"}]}},
        {"request": {"method": "POST", "url": "Observation"},
         "resource": {"resourceType": "Observation", "status": "final",
                      "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
                      "code": {"coding": [{"system": "http://loinc.org", "code": "2951-2", "display": "Sodium"}]},
                      "subject": {"reference": PID}, "effectiveDateTime": "2024-03-01T09:30:00Z",
                      "valueQuantity": {"value": 140.25, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"},
                      "referenceRange": [{"low": {"value": 135, "unit": "mmol/L"}, "high": {"value": 146, "unit": "mmol/L"}}],
                      "interpretation": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "N"}]}]}},
        {"request": {"method": "POST", "url": "Condition"},
         "resource": {"resourceType": "Condition", "subject": {"reference": PID},
                      "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
                      "code": {"coding": [{"system": "http://snomed.info/sct", "code": "38341003", "display": "Hypertension"}]},
                      "onsetDateTime": "2015-06-01"}},
        {"request": {"method": "POST", "url": "MedicationRequest"},
         "resource": {"resourceType": "MedicationRequest", "status": "active", "intent": "order", "subject": {"reference": PID},
                      "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "314076", "display": "lisinopril 10 MG Oral Tablet"}]},
                      "authoredOn": "2024-01-10", "dispenseRequest": {"numberOfRepeatsAllowed": 3}}},
        {"request": {"method": "POST", "url": "Encounter"},
         "resource": {"resourceType": "Encounter", "status": "finished",
                      "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
                      "subject": {"reference": PID}, "period": {"start": "2024-03-01T09:00:00Z", "end": "2024-03-01T09:40:00Z"}}},
        {"request": {"method": "POST", "url": "Coverage"},
         "resource": {"resourceType": "Coverage", "status": "active", "beneficiary": {"reference": PID},
                      "payor": [{"reference": ORG}], "period": {"start": "2024-01-01"}}},
        {"request": {"method": "POST", "url": "Appointment"},
         "resource": {"resourceType": "Appointment", "status": "booked", "start": "2025-01-15T10:00:00Z", "end": "2025-01-15T10:20:00Z",
                      "participant": [{"actor": {"reference": PID}, "status": "accepted"},
                                      {"actor": {"reference": PRACT}, "status": "accepted"}]}},
    ],
}

state = {}


def t_metadata():
    s, cs_json = http("GET", "/metadata")
    assert s == 200, s
    cs = capabilitystatement.CapabilityStatement(cs_json, strict=True)
    assert cs.fhirVersion == "4.0.1", cs.fhirVersion


def t_transaction():
    s, resp = http("POST", "", TX)
    assert s == 200, (s, resp)
    b = bundle.Bundle(resp, strict=True)
    assert b.type == "transaction-response"
    assert all(e.response.status.startswith("201") for e in b.entry), [e.response.status for e in b.entry]
    state["locations"] = [e.response.location for e in b.entry]


def t_read_every_resource():
    for loc in state["locations"]:
        path = "/" + loc.split("/_history/")[0]
        s, res = http("GET", path)
        assert s == 200, (path, s)
        strict_parse(res)
        if res["resourceType"] == "Patient":
            state["patient_id"] = res["id"]
        if res["resourceType"] == "Practitioner":
            state["practitioner_id"] = res["id"]


def t_search_bundle_with_include():
    s, res = http("GET", f"/Observation?patient={state['patient_id']}&_include=Observation:patient")
    assert s == 200, (s, res)
    b = bundle.Bundle(res, strict=True)
    modes = sorted(e.search.mode for e in b.entry)
    assert modes == ["include", "match"], modes
    for e in b.entry:
        strict_parse(e.resource.as_json())


def t_history_bundle():
    s, res = http("GET", f"/Patient/{state['patient_id']}/_history")
    assert s == 200
    bundle.Bundle(res, strict=True)


def t_operation_outcome():
    s, res = http("POST", "/Patient", {"resourceType": "Patient", "birthDate": 123})
    assert s == 400, s
    oo = operationoutcome.OperationOutcome(res, strict=True)
    assert oo.issue[0].expression == ["Patient.birthDate"], oo.issue[0].expression


def t_fhirclient_as_a_client():
    smart = client.FHIRClient(settings={"app_id": "wellspring-check", "api_base": BASE + "/"})
    found = patient.Patient.where(struct={"family": "Zyxwell" + suffix}).perform_resources(smart.server)
    assert len(found) == 1 and found[0].id == state["patient_id"], found
    p = patient.Patient.read(state["patient_id"], smart.server)
    assert p.birthDate.isostring == "1961-07-04"
    obs = observation.Observation.where(struct={"patient": state["patient_id"], "code": "http://loinc.org|2951-2"}).perform_resources(smart.server)
    assert len(obs) == 1 and float(obs[0].valueQuantity.value) == 140.25


def t_update_through_client():
    smart = client.FHIRClient(settings={"app_id": "wellspring-check", "api_base": BASE + "/"})
    p = patient.Patient.read(state["patient_id"], smart.server)
    p.gender = "other"
    p.update(smart.server)
    s, res = http("GET", f"/Patient/{state['patient_id']}")
    assert res["gender"] == "other" and res["meta"]["versionId"] == "2", res["meta"]


def t_practitioner_specialty():
    s, res = http("GET", "/Practitioner?specialty=http://snomed.info/sct|394579002")
    assert s == 200
    b = bundle.Bundle(res, strict=True)
    ids = [e.resource.id for e in (b.entry or [])]
    assert state["practitioner_id"] in ids, ids


def t_unauthenticated_is_401():
    req = urllib.request.Request(BASE + "/Patient", method="GET")
    req.add_header("Accept", "application/fhir+json")
    try:
        urllib.request.urlopen(req)
        raise AssertionError("a search without a token was answered")
    except urllib.error.HTTPError as e:
        assert e.code == 401, e.code
        assert e.headers.get("WWW-Authenticate", "").startswith("Bearer"), e.headers
        oo = operationoutcome.OperationOutcome(json.loads(e.read()), strict=True)
        assert oo.issue[0].code == "login", oo.issue[0].code


def t_smart_configuration():
    with urllib.request.urlopen(BASE + "/.well-known/smart-configuration") as r:
        conf = json.loads(r.read())
    for key in ("authorization_endpoint", "token_endpoint", "capabilities", "code_challenge_methods_supported"):
        assert key in conf, key
    assert "S256" in conf["code_challenge_methods_supported"]
    assert "launch-standalone" in conf["capabilities"]


for name, fn in [
    ("requests without a token get 401 with an OperationOutcome", t_unauthenticated_is_401),
    ("SMART discovery document", t_smart_configuration),
    ("CapabilityStatement parses as R4", t_metadata),
    ("transaction-response parses as R4", t_transaction),
    ("every created resource reads back and parses strictly", t_read_every_resource),
    ("searchset with _include parses", t_search_bundle_with_include),
    ("history bundle parses", t_history_bundle),
    ("OperationOutcome for a bad body parses and names the path", t_operation_outcome),
    ("fhirclient searches and reads through the API", t_fhirclient_as_a_client),
    ("fhirclient updates through the API", t_update_through_client),
    ("Practitioner?specialty via PractitionerRole", t_practitioner_specialty),
]:
    check(name, fn)

print(f"fhirclient: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
