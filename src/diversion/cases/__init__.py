"""Cases: what officers decide about yellow and red declarations, who decided it and why, the
false hits they set aside, and re-screening. Every step is written to the audit log
(`diversion.store.audit`), which the parts below write to as well."""
