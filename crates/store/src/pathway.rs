//! The access pathway on the store: the domain's records persisted as documents, every
//! operation asked of `diapath_domain::permits` first, every read and write of patient
//! data audited, every request transition applied by the domain's state machine and
//! saved with optimistic concurrency. The web app and the demo use only this.

use diapath_domain::eligibility::policy_facts;
use diapath_domain::facts::{FactId, FactLog, NewFact};
use diapath_domain::permissions::{PatientContext, RequestContext};
use diapath_domain::request::{ActionKind, Evaluation, NewRequest, PolicyRef};
use diapath_domain::{
    Actor, Command, DomainError, OdsCode, Operation, Organisation, Patient, PatientId, Request,
    RequestId, Target, TransitionError, User, permits,
};
use diapath_glucose::Reading;
use diapath_policy::{Policy, Stage};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::documents::{DocFilter, NewDoc, Write};
use crate::{AuditEntry, ReadingsWrite, Store, StoreError};

/// Why a pathway operation did not happen. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum PathwayError {
    /// The permission function said no.
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    /// No such record.
    #[error("{0} not found")]
    NotFound(String),
    /// The state machine refused the action.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A value was invalid.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The store failed or reported a conflict.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<serde_json::Error> for PathwayError {
    fn from(e: serde_json::Error) -> Self {
        PathwayError::Store(StoreError::Json(e))
    }
}

/// A user account as stored: the domain user and the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Sign-in name.
    pub username: String,
    /// The user.
    pub user: User,
    /// Argon2id PHC string.
    pub password_hash: String,
}

/// A patient's record as one reader sees it.
#[derive(Debug, Clone)]
pub struct PatientRecord {
    /// Demographics.
    pub patient: Patient,
    /// The organisations around the patient, for permission checks.
    pub context: PatientContext,
    /// Every fact, with corrections.
    pub facts: FactLog,
    /// The fact log's stored version.
    pub facts_version: i64,
}

/// A request with what permission checks need.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// The request.
    pub request: Request,
    /// Its context.
    pub context: RequestContext,
    /// Stored version.
    pub version: i64,
}

/// The pathway over a store.
#[derive(Debug, Clone)]
pub struct Pathway {
    store: Store,
}

fn allowed(actor: &Actor, op: Operation, target: Target<'_>) -> Result<(), PathwayError> {
    let d = permits(actor, op, target);
    if d.allowed {
        Ok(())
    } else {
        Err(PathwayError::Forbidden(d.reason))
    }
}

fn who(actor: &Actor) -> String {
    format!("user/{}", actor.user)
}

/// The operation a request action needs.
pub fn operation_for(action: ActionKind) -> Operation {
    match action {
        ActionKind::Submit
        | ActionKind::AutoApprove
        | ActionKind::ReferToCommissioner
        | ActionKind::RouteToExceptionalCase => Operation::SubmitRequest,
        ActionKind::Approve | ActionKind::Refuse => Operation::DecideRequest,
        ActionKind::StartTrial => Operation::StartTrial,
        ActionKind::MarkReviewDue | ActionKind::RecordReview => Operation::RecordReview,
        ActionKind::RequestReconsideration => Operation::RequestReconsideration,
        ActionKind::Appeal => Operation::Appeal,
        ActionKind::Withdraw => Operation::WithdrawRequest,
    }
}

/// A policy evaluation as the domain keeps it: policy and version, whether every
/// criterion was met, whether auto-approval is allowed, and the full explanation.
pub fn evaluation_of(policy: &Policy, patient: &Patient, facts: &FactLog, on: Date) -> Evaluation {
    let pf = policy_facts(patient, facts, on);
    let e = diapath_policy::evaluate(policy, &pf, on, Stage::Initiation);
    let report = e.report();
    Evaluation {
        policy: PolicyRef {
            id: policy.id.clone(),
            version: policy.version.clone(),
        },
        all_criteria_met: e.outcome == diapath_policy::Outcome::Eligible,
        auto_approval_allowed: policy.approval.auto_approve,
        snapshot: serde_json::to_value(&report).unwrap_or(serde_json::Value::Null),
    }
}

impl Pathway {
    /// The pathway over `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// The store underneath.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Adds an organisation (set-up; audited as the system).
    pub async fn add_organisation(
        &self,
        org: &Organisation,
        at: Timestamp,
    ) -> Result<(), PathwayError> {
        let doc = NewDoc::new(
            "organisation",
            org.code().as_str(),
            serde_json::to_value(org)?,
        )
        .area(org.icb().as_str());
        let audit = AuditEntry::new(
            "system",
            "add-organisation",
            None,
            format!("organisation/{}", org.code().as_str()),
            "set-up",
        );
        self.store
            .commit(&[Write::Insert(doc)], &[audit], at)
            .await?;
        Ok(())
    }

    /// One organisation.
    pub async fn organisation(&self, code: &OdsCode) -> Result<Organisation, PathwayError> {
        let doc = self
            .store
            .get("organisation", code.as_str())
            .await?
            .ok_or_else(|| PathwayError::NotFound(format!("organisation {}", code.as_str())))?;
        Ok(serde_json::from_value(doc.body)?)
    }

    /// Every organisation.
    pub async fn organisations(&self) -> Result<Vec<Organisation>, PathwayError> {
        self.store
            .list("organisation", &DocFilter::default())
            .await?
            .into_iter()
            .map(|d| Ok(serde_json::from_value(d.body)?))
            .collect()
    }

    /// Adds a user account (set-up or administrator).
    pub async fn add_account(
        &self,
        account: &Account,
        by: &str,
        at: Timestamp,
    ) -> Result<(), PathwayError> {
        let mut doc = NewDoc::new("user", &account.username, serde_json::to_value(account)?);
        if let Some(org) = &account.user.actor().organisation {
            doc = doc.org(org.as_str());
        }
        if let Some(p) = account.user.actor().patient {
            doc = doc.patient(&p.to_string());
        }
        let audit = AuditEntry::new(
            by,
            "add-user",
            None,
            format!("user/{}", account.username),
            "account management",
        );
        self.store
            .commit(&[Write::Insert(doc)], &[audit], at)
            .await?;
        Ok(())
    }

    /// The account signing in as `username`.
    pub async fn account(&self, username: &str) -> Result<Option<Account>, PathwayError> {
        match self.store.get("user", username).await? {
            Some(doc) => Ok(Some(serde_json::from_value(doc.body)?)),
            None => Ok(None),
        }
    }

    /// Every account.
    pub async fn accounts(&self) -> Result<Vec<Account>, PathwayError> {
        self.store
            .list("user", &DocFilter::default())
            .await?
            .into_iter()
            .map(|d| Ok(serde_json::from_value(d.body)?))
            .collect()
    }

    async fn next_id(&self, kind: &str) -> Result<i64, PathwayError> {
        let n = self.store.count(kind).await?;
        Ok(n + 1)
    }

    /// Patients (all, or only `only`) with their permission contexts, reading each GP
    /// practice once. No facts are read: listing and permission checks need none.
    async fn patients_with_contexts(
        &self,
        only: Option<PatientId>,
    ) -> Result<Vec<(Patient, PatientContext)>, PathwayError> {
        let patients: Vec<Patient> = match only {
            Some(id) => match self.store.get("patient", &id.to_string()).await? {
                Some(doc) => vec![serde_json::from_value(doc.body)?],
                None => Vec::new(),
            },
            None => self
                .store
                .list_as::<Patient>("patient", &DocFilter::default())
                .await?
                .into_iter()
                .map(|(patient, _)| patient)
                .collect(),
        };
        let mut icbs: std::collections::HashMap<String, OdsCode> = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(patients.len());
        for patient in patients {
            let icb = match icbs.get(patient.gp_practice.as_str()) {
                Some(icb) => icb.clone(),
                None => {
                    let icb = self.organisation(&patient.gp_practice).await?.icb().clone();
                    icbs.insert(patient.gp_practice.as_str().to_owned(), icb.clone());
                    icb
                }
            };
            let context = PatientContext::of(&patient, icb, Vec::new());
            out.push((patient, context));
        }
        Ok(out)
    }

    async fn context(&self, patient: &Patient) -> Result<PatientContext, PathwayError> {
        let practice = self.organisation(&patient.gp_practice).await?;
        Ok(PatientContext::of(
            patient,
            practice.icb().clone(),
            Vec::new(),
        ))
    }

    /// Registers a patient; `patient.id` is assigned here. Returns the new id.
    pub async fn register_patient(
        &self,
        actor: &Actor,
        mut patient: Patient,
        at: Timestamp,
    ) -> Result<PatientId, PathwayError> {
        for _attempt in 0..5 {
            patient.id = PatientId::new(self.next_id("patient").await?);
            let context = self.context(&patient).await?;
            allowed(actor, Operation::RegisterPatient, Target::Patient(&context))?;
            let id = patient.id.to_string();
            let docs = [
                Write::Insert(
                    NewDoc::new("patient", &id, serde_json::to_value(&patient)?)
                        .patient(&id)
                        .org(patient.gp_practice.as_str())
                        .area(context.icb.as_str()),
                ),
                Write::Insert(
                    NewDoc::new(
                        "facts",
                        &id,
                        serde_json::to_value(FactLog::new(patient.id))?,
                    )
                    .patient(&id),
                ),
            ];
            let audit = AuditEntry::new(
                who(actor),
                "register-patient",
                Some(&id),
                format!("patient/{id}"),
                "registration",
            );
            match self.store.commit(&docs, &[audit], at).await {
                Ok(_) => return Ok(patient.id),
                Err(StoreError::Duplicate { .. }) => continue, // another node took the id
                Err(e) => return Err(e.into()),
            }
        }
        Err(PathwayError::Store(StoreError::Duplicate {
            kind: "patient".into(),
            id: "next".into(),
        }))
    }

    /// A patient's record, if `actor` may do `operation` on that patient.
    async fn load_allowed(
        &self,
        actor: &Actor,
        id: PatientId,
        operation: Operation,
    ) -> Result<PatientRecord, PathwayError> {
        let record = self.load_patient(id).await?;
        allowed(actor, operation, Target::Patient(&record.context))?;
        Ok(record)
    }

    async fn load_patient(&self, id: PatientId) -> Result<PatientRecord, PathwayError> {
        let key = id.to_string();
        let patient: Patient = match self.store.get("patient", &key).await? {
            Some(doc) => serde_json::from_value(doc.body)?,
            None => return Err(PathwayError::NotFound(format!("patient {key}"))),
        };
        let facts_doc = self
            .store
            .get("facts", &key)
            .await?
            .ok_or_else(|| PathwayError::NotFound(format!("facts of patient {key}")))?;
        let context = self.context(&patient).await?;
        Ok(PatientRecord {
            patient,
            context,
            facts: serde_json::from_value(facts_doc.body)?,
            facts_version: facts_doc.version,
        })
    }

    /// A patient's record, if `actor` may see it; the read is audited with `why`.
    pub async fn patient(
        &self,
        actor: &Actor,
        id: PatientId,
        why: &str,
        at: Timestamp,
    ) -> Result<PatientRecord, PathwayError> {
        let record = self.load_allowed(actor, id, Operation::ViewPatient).await?;
        let key = id.to_string();
        self.store
            .audit(
                &AuditEntry::new(
                    who(actor),
                    "read",
                    Some(&key),
                    format!("patient/{key}"),
                    why,
                ),
                at,
            )
            .await?;
        Ok(record)
    }

    /// The patients `actor` may see, with no audit entry per patient (a list shows
    /// names and status only; opening a record is audited).
    pub async fn patients_visible(&self, actor: &Actor) -> Result<Vec<Patient>, PathwayError> {
        Ok(self
            .patients_with_contexts(None)
            .await?
            .into_iter()
            .filter(|(_, context)| {
                permits(actor, Operation::ViewPatient, Target::Patient(context)).allowed
            })
            .map(|(patient, _)| patient)
            .collect())
    }

    /// Records a fact (or, with `supersedes`, a correction) for a patient.
    pub async fn record_fact(
        &self,
        actor: &Actor,
        patient: PatientId,
        fact: NewFact,
        supersedes: Option<(FactId, String)>,
        at: Timestamp,
    ) -> Result<FactId, PathwayError> {
        let mut record = self.load_patient(patient).await?;
        let op = match fact.value {
            diapath_domain::facts::FactValue::StructuredEducation { .. } => {
                Operation::RecordEducation
            }
            _ => Operation::RecordFact,
        };
        allowed(actor, op, Target::Patient(&record.context))?;
        let kind = fact.value.evidence_kind();
        let id = match supersedes {
            Some((old, reason)) => record.facts.supersede(old, fact, &reason)?,
            None => record.facts.record(fact)?,
        };
        let key = patient.to_string();
        let writes = [
            Write::Update {
                doc: NewDoc::new("facts", &key, serde_json::to_value(&record.facts)?).patient(&key),
                expected_version: record.facts_version,
            },
            Write::Event {
                stream: format!("facts/{key}"),
                patient: Some(key.clone()),
                kind: format!("{kind:?}"),
                body: serde_json::to_value(record.facts.get(id))?,
            },
        ];
        let audit = AuditEntry::new(
            who(actor),
            "record-fact",
            Some(&key),
            format!("patient/{key}/facts"),
            format!("{kind:?}"),
        );
        self.store.commit(&writes, &[audit], at).await?;
        Ok(id)
    }

    /// Starts a request (draft). `new.id` is assigned here.
    pub async fn create_request(
        &self,
        actor: &Actor,
        mut new: NewRequest,
        at: Timestamp,
    ) -> Result<RequestId, PathwayError> {
        let record = self.load_patient(new.patient).await?;
        for _attempt in 0..5 {
            new.id = RequestId::new(self.next_id("request").await?);
            let request = Request::draft(new.clone());
            let context = RequestContext::of(&request, record.context.clone());
            allowed(actor, Operation::CreateRequest, Target::Request(&context))?;
            let key = new.id.to_string();
            let pkey = new.patient.to_string();
            let doc = NewDoc::new("request", &key, serde_json::to_value(&request)?)
                .patient(&pkey)
                .org(new.requesting_team.as_str())
                .area(new.commissioner.as_str());
            let audit = AuditEntry::new(
                who(actor),
                "create-request",
                Some(&pkey),
                format!("request/{key}"),
                new.policy.id.clone(),
            );
            match self.store.commit(&[Write::Insert(doc)], &[audit], at).await {
                Ok(_) => return Ok(new.id),
                Err(StoreError::Duplicate { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(PathwayError::Store(StoreError::Duplicate {
            kind: "request".into(),
            id: "next".into(),
        }))
    }

    async fn load_request(&self, id: RequestId) -> Result<RequestRecord, PathwayError> {
        let key = id.to_string();
        let doc = self
            .store
            .get("request", &key)
            .await?
            .ok_or_else(|| PathwayError::NotFound(format!("request {key}")))?;
        let request: Request = serde_json::from_value(doc.body)?;
        let patient = self.load_patient(request.patient()).await?;
        let context = RequestContext::of(&request, patient.context);
        Ok(RequestRecord {
            request,
            context,
            version: doc.version,
        })
    }

    /// A request, if `actor` may see it; audited.
    pub async fn request(
        &self,
        actor: &Actor,
        id: RequestId,
        why: &str,
        at: Timestamp,
    ) -> Result<RequestRecord, PathwayError> {
        let record = self.load_request(id).await?;
        allowed(
            actor,
            Operation::ViewRequest,
            Target::Request(&record.context),
        )?;
        let key = id.to_string();
        let pkey = record.request.patient().to_string();
        self.store
            .audit(
                &AuditEntry::new(
                    who(actor),
                    "read",
                    Some(&pkey),
                    format!("request/{key}"),
                    why,
                ),
                at,
            )
            .await?;
        Ok(record)
    }

    /// The requests `actor` may see (optionally of one patient), oldest first.
    pub async fn requests_visible(
        &self,
        actor: &Actor,
        patient: Option<PatientId>,
    ) -> Result<Vec<RequestRecord>, PathwayError> {
        let filter = DocFilter {
            patient: patient.map(|p| p.to_string()),
            ..DocFilter::default()
        };
        // Each request's permission context needs its patient's, not the facts.
        let contexts: std::collections::HashMap<PatientId, PatientContext> = self
            .patients_with_contexts(patient)
            .await?
            .into_iter()
            .map(|(p, context)| (p.id, context))
            .collect();
        let mut out = Vec::new();
        for (request, version) in self.store.list_as::<Request>("request", &filter).await? {
            let Some(patient) = contexts.get(&request.patient()) else {
                return Err(PathwayError::NotFound(format!(
                    "patient {} of request {}",
                    request.patient(),
                    request.id()
                )));
            };
            let context = RequestContext::of(&request, patient.clone());
            if permits(actor, Operation::ViewRequest, Target::Request(&context)).allowed {
                out.push(RequestRecord {
                    request,
                    context,
                    version,
                });
            }
        }
        out.sort_by_key(|r| r.request.id().get());
        Ok(out)
    }

    /// Applies an action to a request: permission, state machine, optimistic
    /// concurrency (the command's `expected_version` is the request's domain version),
    /// event and audit, in one transaction.
    pub async fn act(
        &self,
        actor: &Actor,
        id: RequestId,
        command: Command,
    ) -> Result<Request, PathwayError> {
        let record = self.load_request(id).await?;
        let kind = command.action.kind();
        allowed(actor, operation_for(kind), Target::Request(&record.context))?;
        let at = command.at;
        let transition = record.request.apply(command)?;
        let key = id.to_string();
        let pkey = record.request.patient().to_string();
        let writes = [
            Write::Update {
                doc: NewDoc::new("request", &key, serde_json::to_value(&transition.request)?)
                    .patient(&pkey)
                    .org(record.context.requesting_team.as_str())
                    .area(record.context.commissioner.as_str()),
                expected_version: record.version,
            },
            Write::Event {
                stream: format!("request/{key}"),
                patient: Some(pkey.clone()),
                kind: format!("{kind:?}"),
                body: serde_json::to_value(&transition.event)?,
            },
        ];
        let audit = AuditEntry::new(
            who(actor),
            format!("{kind:?}"),
            Some(&pkey),
            format!("request/{key}"),
            format!("{:?} → {:?}", transition.event.from, transition.event.to),
        );
        self.store.commit(&writes, &[audit], at).await?;
        Ok(transition.request)
    }

    /// Stores CGM readings for a patient (all or nothing), if `actor` may: a patient
    /// their own; staff monitoring a trial under `request` (where a specialist-only
    /// device keeps primary care out); staff recording data before any request.
    pub async fn import_readings(
        &self,
        actor: &Actor,
        patient: PatientId,
        request: Option<RequestId>,
        source: &str,
        readings: &[Reading],
        at: Timestamp,
    ) -> Result<ReadingsWrite, PathwayError> {
        let record = self.load_patient(patient).await?;
        if actor.patient == Some(patient) {
            allowed(
                actor,
                Operation::UploadOwnCgm,
                Target::Patient(&record.context),
            )?;
        } else if let Some(request) = request {
            let r = self.load_request(request).await?;
            if r.request.patient() != patient {
                return Err(PathwayError::NotFound(format!(
                    "request {request} of patient {patient}"
                )));
            }
            allowed(actor, Operation::ImportCgm, Target::Request(&r.context))?;
        } else {
            allowed(
                actor,
                Operation::RecordFact,
                Target::Patient(&record.context),
            )?;
        }
        let key = patient.to_string();
        let audit = AuditEntry::new(
            who(actor),
            "import-cgm",
            Some(&key),
            format!("patient/{key}/readings"),
            source,
        );
        Ok(self
            .store
            .put_readings(&key, source, readings, &audit, at)
            .await?)
    }

    /// A patient's readings in a window, if `actor` may see the record; audited.
    pub async fn readings(
        &self,
        actor: &Actor,
        patient: PatientId,
        from: Timestamp,
        to: Timestamp,
        at: Timestamp,
    ) -> Result<Vec<Reading>, PathwayError> {
        self.load_allowed(actor, patient, Operation::ViewPatient)
            .await?;
        let key = patient.to_string();
        self.store
            .audit(
                &AuditEntry::new(
                    who(actor),
                    "read",
                    Some(&key),
                    format!("patient/{key}/readings"),
                    "CGM report",
                ),
                at,
            )
            .await?;
        Ok(self.store.load_readings(&key, from, to).await?)
    }

    /// Records and CGM readings of several patients for one purpose (a patient page, the
    /// worklist's check of trial goals): every patient must be visible to `actor`, each
    /// record and each set of readings read gets its own audit record (as
    /// [`Pathway::patient`] and [`Pathway::readings`] give), and all the audit records
    /// are appended in one transaction before anything is returned: one commit for the
    /// lot instead of two per patient.
    pub async fn patients_with_readings(
        &self,
        actor: &Actor,
        ids: &[PatientId],
        from: Timestamp,
        to: Timestamp,
        why: &str,
        at: Timestamp,
    ) -> Result<Vec<(PatientRecord, Vec<Reading>)>, PathwayError> {
        let mut out = Vec::with_capacity(ids.len());
        let mut audit = Vec::with_capacity(ids.len());
        for &id in ids {
            let record = self.load_allowed(actor, id, Operation::ViewPatient).await?;
            let key = id.to_string();
            for target in [format!("patient/{key}"), format!("patient/{key}/readings")] {
                audit.push(AuditEntry::new(who(actor), "read", Some(&key), target, why));
            }
            let readings = self.store.load_readings(&key, from, to).await?;
            out.push((record, readings));
        }
        if !audit.is_empty() {
            self.store.commit(&[], &audit, at).await?;
        }
        Ok(out)
    }

    /// The patient of a request, when `actor` may open the record (audited); `None`
    /// for those who see requests only (commissioners).
    pub async fn patient_for_request(
        &self,
        actor: &Actor,
        r: &RequestRecord,
    ) -> Result<Option<PatientRecord>, PathwayError> {
        if !permits(
            actor,
            Operation::ViewPatient,
            Target::Patient(&r.context.patient),
        )
        .allowed
        {
            return Ok(None);
        }
        let record = self.load_patient(r.request.patient()).await?;
        Ok(Some(record))
    }

    /// Of the patients of `requests`, those `actor` may see (for names in lists; a
    /// commissioner sees none and the lists show the request's patient number).
    pub async fn patients_visible_for_requests(
        &self,
        actor: &Actor,
        requests: &[RequestRecord],
    ) -> Result<Vec<Patient>, PathwayError> {
        let wanted: std::collections::HashSet<PatientId> =
            requests.iter().map(|r| r.request.patient()).collect();
        Ok(self
            .patients_visible(actor)
            .await?
            .into_iter()
            .filter(|p| wanted.contains(&p.id))
            .collect())
    }

    /// A GP refers a patient to the specialist team: an event on the patient's stream.
    pub async fn refer(
        &self,
        actor: &Actor,
        patient: PatientId,
        note: &str,
        at: Timestamp,
    ) -> Result<(), PathwayError> {
        let record = self
            .load_allowed(actor, patient, Operation::ReferToSpecialist)
            .await?;
        let key = patient.to_string();
        let event = Write::Event {
            stream: format!("patient/{key}"),
            patient: Some(key.clone()),
            kind: "referral".to_owned(),
            body: serde_json::json!({ "by": actor.user, "note": note, "to": record.patient.specialist_team }),
        };
        let audit = AuditEntry::new(
            who(actor),
            "refer",
            Some(&key),
            format!("patient/{key}"),
            "referral to the specialist team",
        );
        self.store.commit(&[event], &[audit], at).await?;
        Ok(())
    }

    /// The policies an area (ICB) has switched on; `None` when the area has not chosen
    /// (then every policy in the library applies).
    pub async fn active_policies(
        &self,
        area: &OdsCode,
    ) -> Result<Option<Vec<String>>, PathwayError> {
        Ok(
            match self.store.get("area-policies", area.as_str()).await? {
                Some(doc) => Some(serde_json::from_value(doc.body["active"].clone())?),
                None => None,
            },
        )
    }

    /// Sets the policies active in an area (administrators).
    pub async fn set_active_policies(
        &self,
        actor: &Actor,
        area: &OdsCode,
        active: &[String],
        at: Timestamp,
    ) -> Result<(), PathwayError> {
        allowed(actor, Operation::ManageOrganisations, Target::Deployment)?;
        let body = serde_json::json!({ "active": active });
        let doc = NewDoc::new("area-policies", area.as_str(), body).area(area.as_str());
        let write = match self.store.get("area-policies", area.as_str()).await? {
            Some(existing) => Write::Update {
                doc,
                expected_version: existing.version,
            },
            None => Write::Insert(doc),
        };
        let audit = AuditEntry::new(
            who(actor),
            "set-area-policies",
            None,
            format!("area/{}", area.as_str()),
            active.join(","),
        );
        self.store.commit(&[write], &[audit], at).await?;
        Ok(())
    }
}
