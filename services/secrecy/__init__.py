"""The Secrecy Bureau (市国家保密局): classified projects, vendor qualifications, review before use."""
