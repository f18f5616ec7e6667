"""Cases and the audit log: what officers decide about yellow and red declarations, who
decided it and why, and a tamper-evident record of everything the system and its users did."""
