"""The AWS environment variables the guard reads or watches: one list of each kind, here only.

Names and meanings are the AWS CLI's and botocore's (`aws help config-vars`,
botocore/configprovider.py, botocore/credentials.py).
"""
from __future__ import annotations

# Which profile a call uses when it names none: CLI v2 prefers AWS_PROFILE; CLI v1 and boto3 read
# AWS_DEFAULT_PROFILE first. The guard treats a clash as an error (AG103).
PROFILE = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")
# Which region: CLI v2 and the SDKs read AWS_REGION, CLI v1 AWS_DEFAULT_REGION.
REGION = ("AWS_REGION", "AWS_DEFAULT_REGION")
# The files that replace ~/.aws/config and ~/.aws/credentials.
CONFIG_FILE = "AWS_CONFIG_FILE"
CREDENTIALS_FILE = "AWS_SHARED_CREDENTIALS_FILE"
FILES = (CONFIG_FILE, CREDENTIALS_FILE)
# Keys in the environment: botocore's EnvProvider uses them before any profile named by AWS_PROFILE.
ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID"
KEYS = (ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
# Other credential sources botocore reads from the environment: web identity and the container endpoint.
WEB_IDENTITY = ("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE")
CONTAINER = ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
             "AWS_CONTAINER_AUTHORIZATION_TOKEN")
# Set on a command line, each of these re-points the identity a call runs as (AG105). AWS_DATA_PATH can
# load service models that change what an operation does.
IDENTITY = KEYS + FILES + ("AWS_DATA_PATH",) + WEB_IDENTITY + CONTAINER
# Inherited by Claude Code, these decide what a call without --profile runs as (guard doctor warns).
AMBIENT = KEYS[:3] + PROFILE + FILES
# Where STS is, the service-specific variable first, and how it is reached: all of them decide a verified
# identity (the verdict cache key).
STS_ENDPOINT = ("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL")
CA_BUNDLE = "AWS_CA_BUNDLE"
ENDPOINT = STS_ENDPOINT + (CA_BUNDLE, "AWS_USE_FIPS_ENDPOINT")
# What gives a process credentials without any profile: taken out of the isolated world (guard.aws.world).
AMBIENT_CREDENTIALS = KEYS + PROFILE + WEB_IDENTITY + CONTAINER
