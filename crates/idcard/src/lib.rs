//! The digital member ID card: PDF, PNG (phone wallet) and QR code.
