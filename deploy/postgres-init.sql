-- Each service owns its own database.
CREATE DATABASE egov_approval;
CREATE DATABASE egov_finance;
CREATE DATABASE egov_audit;
CREATE DATABASE egov_secrecy;
