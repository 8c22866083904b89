"""Organisation onboarding: invitation links and QR codes, self-registration, approval, sub-org administration."""
