-- The knowledge-base schema at the newest revision, as the migrations make it on SQLite.
-- Generated: python -m vendortui.app.migrate schema (after adding a revision). Do not edit.

CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE checklist_template (
	id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	"key" VARCHAR NOT NULL, 
	version INTEGER NOT NULL, 
	title VARCHAR NOT NULL, 
	source VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_checklist_template_key ON checklist_template ("key");

CREATE TABLE "conflict" (
	id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	table_name VARCHAR NOT NULL, 
	row_id VARCHAR NOT NULL, 
	field VARCHAR NOT NULL, 
	base_value VARCHAR, 
	ours_value VARCHAR, 
	theirs_value VARCHAR, 
	ours_by VARCHAR NOT NULL, 
	ours_at DATETIME, 
	theirs_by VARCHAR NOT NULL, 
	theirs_at DATETIME, 
	provisional VARCHAR NOT NULL, 
	resolved_at DATETIME, 
	resolved_by VARCHAR NOT NULL, 
	resolution VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_conflict_row_id ON "conflict" (row_id);

CREATE TABLE person (
	id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	name VARCHAR NOT NULL, 
	email VARCHAR NOT NULL, 
	phone VARCHAR NOT NULL, 
	chat VARCHAR NOT NULL, 
	team VARCHAR NOT NULL, 
	organisation VARCHAR NOT NULL, 
	active BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_person_email ON person (email);

CREATE TABLE setting (
	id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_setting_key ON setting ("key");

CREATE TABLE vendor (
	id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	slug VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	category VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	rollout_stage VARCHAR NOT NULL, 
	rollout_percent INTEGER, 
	risk_tier VARCHAR NOT NULL, 
	website VARCHAR NOT NULL, 
	description VARCHAR NOT NULL, 
	sso_protocol VARCHAR NOT NULL, 
	scim BOOLEAN NOT NULL, 
	mfa_methods VARCHAR NOT NULL, 
	webauthn_enforced BOOLEAN NOT NULL, 
	sso_requires_upgrade BOOLEAN NOT NULL, 
	contract_start DATE, 
	contract_end DATE, 
	notice_days INTEGER, 
	termination_data VARCHAR NOT NULL, 
	review_cadence_days INTEGER, extra_domains VARCHAR DEFAULT '' NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_vendor_slug ON vendor (slug);

CREATE UNIQUE INDEX ux_vendor_live_slug ON vendor (slug) WHERE deleted_at IS NULL;

CREATE TABLE checklist_run (
	id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	vendor_id VARCHAR NOT NULL, 
	template_key VARCHAR NOT NULL, 
	template_version INTEGER NOT NULL, 
	title VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	started_by VARCHAR NOT NULL, 
	completed_at DATETIME, 
	completed_by VARCHAR NOT NULL, 
	current_stage VARCHAR NOT NULL, 
	stage_entered_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(vendor_id) REFERENCES vendor (id)
);

CREATE INDEX ix_checklist_run_vendor_id ON checklist_run (vendor_id);

CREATE TABLE data_category (
	id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	vendor_id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	pii_level VARCHAR NOT NULL, 
	encrypted BOOLEAN NOT NULL, 
	description VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(vendor_id) REFERENCES vendor (id)
);

CREATE INDEX ix_data_category_vendor_id ON data_category (vendor_id);

CREATE TABLE event (
	id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	vendor_id VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	occurred_at DATETIME NOT NULL, 
	title VARCHAR NOT NULL, 
	body VARCHAR NOT NULL, 
	source_url VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(vendor_id) REFERENCES vendor (id)
);

CREATE INDEX ix_event_vendor_id ON event (vendor_id);

CREATE TABLE probe_config (
	id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	vendor_id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	issuer VARCHAR NOT NULL, 
	metadata_url VARCHAR NOT NULL, 
	client_id VARCHAR NOT NULL, 
	scopes VARCHAR NOT NULL, 
	audience VARCHAR NOT NULL, 
	expected_claims VARCHAR NOT NULL, 
	api_url VARCHAR NOT NULL, 
	secret_ref VARCHAR NOT NULL, 
	ca_file VARCHAR NOT NULL, 
	enabled BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(vendor_id) REFERENCES vendor (id)
);

CREATE INDEX ix_probe_config_vendor_id ON probe_config (vendor_id);

CREATE TABLE role (
	id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	vendor_id VARCHAR NOT NULL, 
	person_id VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	team VARCHAR NOT NULL, 
	note VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(person_id) REFERENCES person (id), 
	FOREIGN KEY(vendor_id) REFERENCES vendor (id)
);

CREATE INDEX ix_role_person_id ON role (person_id);

CREATE INDEX ix_role_vendor_id ON role (vendor_id);

CREATE TABLE runbook (
	id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	vendor_id VARCHAR NOT NULL, 
	body VARCHAR NOT NULL, 
	verified_at DATETIME, 
	verified_by VARCHAR NOT NULL, 
	verify_interval_days INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(vendor_id) REFERENCES vendor (id)
);

CREATE INDEX ix_runbook_vendor_id ON runbook (vendor_id);

CREATE TABLE checklist_item (
	id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	run_id VARCHAR NOT NULL, 
	position INTEGER NOT NULL, 
	section_key VARCHAR NOT NULL, 
	section_title VARCHAR NOT NULL, 
	item_key VARCHAR NOT NULL, 
	text VARCHAR NOT NULL, 
	help VARCHAR NOT NULL, 
	required BOOLEAN NOT NULL, 
	needs_note BOOLEAN NOT NULL, 
	needs_evidence BOOLEAN NOT NULL, 
	state VARCHAR NOT NULL, 
	note VARCHAR NOT NULL, 
	evidence_url VARCHAR NOT NULL, 
	blocked_reason VARCHAR NOT NULL, 
	state_by VARCHAR NOT NULL, 
	state_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(run_id) REFERENCES checklist_run (id)
);

CREATE INDEX ix_checklist_item_run_id ON checklist_item (run_id);

CREATE TABLE probe_result (
	id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	probe_id VARCHAR NOT NULL, 
	vendor_id VARCHAR NOT NULL, 
	started_at DATETIME NOT NULL, 
	duration_ms INTEGER NOT NULL, 
	outcome VARCHAR NOT NULL, 
	findings VARCHAR NOT NULL, 
	latencies VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(probe_id) REFERENCES probe_config (id), 
	FOREIGN KEY(vendor_id) REFERENCES vendor (id)
);

CREATE INDEX ix_probe_result_probe_id ON probe_result (probe_id);

CREATE INDEX ix_probe_result_vendor_id ON probe_result (vendor_id);

CREATE TABLE checklist_tick (
	id VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	run_id VARCHAR NOT NULL, 
	item_id VARCHAR NOT NULL, 
	state VARCHAR NOT NULL, 
	note VARCHAR NOT NULL, 
	evidence_url VARCHAR NOT NULL, 
	blocked_reason VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(item_id) REFERENCES checklist_item (id), 
	FOREIGN KEY(run_id) REFERENCES checklist_run (id)
);

CREATE INDEX ix_checklist_tick_item_id ON checklist_tick (item_id);

CREATE INDEX ix_checklist_tick_run_id ON checklist_tick (run_id);

INSERT INTO alembic_version (version_num) VALUES ('0003');
