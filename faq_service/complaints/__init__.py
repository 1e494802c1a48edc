"""Complaints and reports of wrongdoing (ITA E10; I11 procurement, I13-15 personnel): named or
confidential, encrypted at rest, tracked by a code and a secret, handled by complaints officers."""
