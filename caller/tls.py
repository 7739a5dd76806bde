"""TLS for the caller on the hall's LAN: the ID numbers a kiosk sends must not cross it in plain text.

`onewindow tls make-cert` makes the hall's own small certificate authority and a certificate for the caller
signed by it (names and addresses the kiosks and boards use). The caller serves HTTPS with the certificate
(`ONEWINDOW_TLS_CERT` / `ONEWINDOW_TLS_KEY`); kiosks and boards verify it against the hall's CA certificate
(`ONEWINDOW_KIOSK_CA_FILE`, `ONEWINDOW_DISPLAY_CA_FILE`). Behind the shipped nginx, nginx holds the
certificate instead. The `cryptography` package makes the keys and certificates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class HallCertificates:
    ca: Path  # the hall CA's certificate: copy it to every kiosk and board
    ca_key: Path  # the hall CA's key: keep it off the network (it signs the next certificate)
    cert: Path  # the caller's certificate (ONEWINDOW_TLS_CERT)
    key: Path  # the caller's key (ONEWINDOW_TLS_KEY)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "OneWindow hall"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    os.chmod(path, 0o600)


def make_certificates(out: Path, hosts: list[str], addresses: list[str], *, now: dt.datetime,
                      days: int = 825) -> HallCertificates:
    """A hall CA (10 years) and the caller's certificate (`days`) for `hosts` and `addresses`, into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder().subject_name(_name("OneWindow hall CA")).issuer_name(_name("OneWindow hall CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(h) for h in hosts]
    names += [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    cert = (
        x509.CertificateBuilder().subject_name(_name(hosts[0] if hosts else addresses[0]))
        .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    made = HallCertificates(out / "hall-ca.pem", out / "hall-ca-key.pem", out / "caller.pem", out / "caller-key.pem")
    made.ca.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    _write_key(made.ca_key, ca_key)
    made.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_key(made.key, key)
    return made


def run_make_cert(args: argparse.Namespace) -> int:
    if not args.host and not args.ip:
        print("error: name the caller: --host NAME and/or --ip ADDRESS (as kiosks and boards reach it)")
        return 2
    try:
        made = make_certificates(args.out, args.host or [], args.ip or [], now=dt.datetime.now(dt.timezone.utc),
                                 days=args.days)
    except ValueError as exc:
        print(f"error: {exc}")
        return 2
    print(f"caller certificate: {made.cert}  key: {made.key}  (ONEWINDOW_TLS_CERT / ONEWINDOW_TLS_KEY)")
    print(f"hall CA certificate for every kiosk and board: {made.ca}  (ONEWINDOW_KIOSK_CA_FILE, ONEWINDOW_DISPLAY_CA_FILE)")
    print(f"keep {made.ca_key} off the network: it signs the next caller certificate")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    tls = sub.add_parser("tls", help="TLS for the caller on the hall's LAN")
    tls_sub = tls.add_subparsers(dest="tls_command", required=True)
    make = tls_sub.add_parser("make-cert", help="make the hall's CA and the caller's certificate")
    make.add_argument("--out", type=Path, default=Path("var/tls"))
    make.add_argument("--host", action="append", help="a name kiosks and boards use for the caller (repeatable)")
    make.add_argument("--ip", action="append", help="an address they use (repeatable)")
    make.add_argument("--days", type=int, default=825, help="how long the caller's certificate is valid")
    make.set_defaults(func=run_make_cert)
