"""AWS CLI commands that are not plain API operations: the CLI's own commands, waiters, hidden aliases.

Data only: the guard decides with it, nothing here runs.

Where it comes from
-------------------
* `COMMANDS` (v1 entries): walked from the command tables of AWS CLI v1 1.46.3 (`awscli.clidriver.
  create_clidriver()`, its bundled botocore 1.43.62): every top-level command that is not a service, and every
  command under a service that is not a `ServiceOperation` of a botocore API operation (customisations such as
  `cloudformation deploy`, `emr ssh`, the generated `wait` commands, hidden aliases such as
  `cloudwatch get-o-tel-enrichment`, and `rds add-option-to-option-group`, a customised split of an operation).
  `emr describe-cluster`, `emr add-instance-groups`, `ecs execute-command`, `ssm start-session` and
  `logs start-live-tail` keep an API operation's name but run customised code, so they are listed too.
* `V2_ONLY`: read from the source of AWS CLI v2 2.36.7 (aws/aws-cli, branch v2, `awscli/customizations/`);
  v2 is not installed here, so nothing checks these against a live v2. `V1_ONLY`: v1 has them, v2 dropped them.
  `LEGACY`: neither current release has them, older ones do (OpsWorks was removed in v1 1.42.19).

Check it, regenerate it
-----------------------
`pytest tests/aws/operations/test_cli_commands.py` walks the installed awscli (in a subprocess: importing
awscli swaps in its bundled botocore) and fails listing every customisation that is missing here, every v1
entry the CLI no longer has and every `V2_ONLY` entry v1 has grown. After an awscli or botocore upgrade run
it, add the new commands with a kind and a note, and review guard.aws.operations.secret_outputs the same way
(tests/aws/operations/test_secret_outputs.py).

Reading the table
-----------------
Keys are (CLI service, CLI operation) in CLI spelling (`s3api` is botocore's `s3`, `deploy` is `codedeploy`,
`configservice` is `config`); the operation is None for a top-level command run without a subcommand
(`aws configure`). `("*", "wait")` stands for `aws SVC wait WAITER` on every service. Kinds:

* read: reads an account, changes nothing.
* write: may change an account (or a machine reached through it: `emr ssh`, `ssm start-session`).
* local: reaches no account and changes nothing on disk.
* local-write: changes local files or configuration (`~/.aws`, `~/.kube/config`, npm/pip config, caches).
* secret: its output holds a usable credential or secret (a password, token, signed URL, key); the API
  operations of that kind are in guard.aws.operations.secret_outputs.
* s3-transfer: `s3 cp`/`sync`/`mv`; the caller decides by direction: S3 to local reads, anything that writes
  to S3 writes, and `mv` always writes (it deletes its source).
* wait: a waiter; it polls a describe call, so it reads.
"""
from __future__ import annotations

KINDS = frozenset({"read", "write", "local", "local-write", "secret", "s3-transfer", "wait"})

ANY_SERVICE = "*"

COMMANDS: dict[tuple[str, str | None], tuple[str, str]] = {
    # --- waiters: `aws SVC wait WAITER ...` on every service that has waiters -------------------------------
    (ANY_SERVICE, "wait"): ("wait", "polls a describe/get call until a state is reached"),

    # --- s3 (top-level customisation) ------------------------------------------------------------------------
    ("s3", None): ("local", "`aws s3` alone is a usage error"),
    ("s3", "ls"): ("read", "lists buckets or objects"),
    ("s3", "cp"): ("s3-transfer", "S3 to local reads; local to S3 or S3 to S3 writes"),
    ("s3", "sync"): ("s3-transfer", "S3 to local reads; to S3 writes (with --delete also deletes)"),
    ("s3", "mv"): ("s3-transfer", "always writes: it deletes the source (an S3 source is deleted)"),
    ("s3", "rm"): ("write", "deletes objects"),
    ("s3", "mb"): ("write", "creates a bucket"),
    ("s3", "rb"): ("write", "deletes a bucket (--force deletes its objects first)"),
    ("s3", "website"): ("write", "puts a bucket website configuration"),
    ("s3", "presign"): ("secret", "signs a URL locally with the caller's credentials: a bearer URL for the object"),

    # --- configure (top-level customisation) -----------------------------------------------------------------
    ("configure", None): ("local-write", "interactive: prompts for keys, region, output and writes ~/.aws"),
    ("configure", "list"): ("local", "masked keys; resolving them may assume a role or run credential_process"),
    ("configure", "get"): ("local", "secret when the key read is one of SECRET_CONFIG_KEYS"),
    ("configure", "set"): ("local-write", "writes ~/.aws/config or ~/.aws/credentials"),
    ("configure", "add-model"): ("local-write", "writes a service model under ~/.aws/models"),
    ("configure", "import"): ("local-write", "v2: imports access keys from a CSV into ~/.aws/credentials"),
    ("configure", "list-profiles"): ("local", "v2: lists profile names"),
    ("configure", "sso"): ("local-write", "v2: Identity Center sign-in; writes a profile and the token cache"),
    ("configure", "sso-session"): ("local-write", "v2: writes an sso-session section"),
    ("configure", "mfa-login"): ("local-write", "v2: GetSessionToken with an MFA code; writes the keys to a profile"),
    ("configure", "export-credentials"): ("secret", "v2: prints the resolved access key, secret key and session token"),
    ("configure", "agent-toolkit"): ("local-write", "v2: configures the AI agent toolkit (skills) locally"),
    ("configure", "wizard"): ("local-write", "v2: interactive configure wizard; writes ~/.aws"),

    # --- history (top-level customisation) -------------------------------------------------------------------
    ("history", None): ("local", "`aws history` alone is a usage error"),
    ("history", "list"): ("local", "lists recorded commands (cli_history = enabled)"),
    ("history", "show"): ("secret", "prints recorded API requests and responses, which may hold secrets"),

    # --- v2-only top-level commands --------------------------------------------------------------------------
    ("login", None): ("local-write", "v2: console-credential sign-in; caches credentials and a refresh token"),
    ("logout", None): ("local-write", "v2: removes the cached console-login credentials"),
    ("ddb", None): ("local", "v2: `aws ddb` alone is a usage error"),
    ("ddb", "select"): ("read", "v2: DynamoDB Query/Scan with a high-level syntax"),
    ("ddb", "put"): ("write", "v2: DynamoDB PutItem/BatchWriteItem"),
    ("update", None): ("local-write", "v2: updates the AWS CLI installation itself"),
    ("cli-dev", None): ("local", "v2: hidden developer commands"),

    # --- per-service customisations (v1 unless noted) --------------------------------------------------------
    ("agent-toolkit", "get-skill-file"): ("read", "v2: downloads a skill file from the AWS agent toolkit catalogue"),
    ("agent-toolkit", "add-skill"): ("local-write", "v2: installs a skill into local AI agent directories"),
    ("agent-toolkit", "list-installed-skills"): ("local", "v2: lists locally installed skills"),
    ("agent-toolkit", "remove-skill"): ("local-write", "v2: removes an installed skill"),
    ("agent-toolkit", "update-skill"): ("local-write", "v2: updates an installed skill"),
    ("agent-toolkit", "get-skill-metadata"): ("read", "v2: renamed API operation GetSkill"),
    ("agent-toolkit", "list-available-skills"): ("read", "v2: renamed API operation ListSkills"),
    ("cloudformation", "package"): ("write", "uploads local artifacts to S3, writes the packaged template"),
    ("cloudformation", "deploy"): ("write", "creates and executes a change set"),
    ("cloudfront", "sign"): ("secret", "signs a URL locally with a CloudFront private key: a bearer URL"),
    ("cloudtrail", "create-subscription"): ("write", "v1 only: creates a bucket, topic and trail"),
    ("cloudtrail", "update-subscription"): ("write", "v1 only: updates the trail, bucket and topic"),
    ("cloudtrail", "validate-logs"): ("read", "reads digest and log files from S3 and validates them"),
    ("cloudtrail", "verify-query-results"): ("read", "v2: verifies signed CloudTrail Lake query results"),
    ("cloudwatch", "get-o-tel-enrichment"): ("read", "hidden alias of get-otel-enrichment"),
    ("cloudwatch", "start-o-tel-enrichment"): ("write", "hidden alias of start-otel-enrichment"),
    ("cloudwatch", "stop-o-tel-enrichment"): ("write", "hidden alias of stop-otel-enrichment"),
    ("codeartifact", "login"): ("local-write", "gets a token, writes it into npm/pip/twine/dotnet/swift config"),
    ("codecommit", "credential-helper"): ("secret", "git credential helper; `get` prints a signed password"),
    ("configservice", "subscribe"): ("write", "creates a bucket and topic, starts the configuration recorder"),
    ("configservice", "get-status"): ("read", "recorder and delivery channel status"),
    ("datapipeline", "list-runs"): ("read", "lists pipeline runs"),
    ("datapipeline", "create-default-roles"): ("write", "creates IAM roles"),
    ("deploy", "push"): ("write", "bundles a revision, uploads it to S3, registers it"),
    ("deploy", "register"): ("write", "creates an IAM user and access key, registers an on-premises instance"),
    ("deploy", "deregister"): ("write", "deregisters an instance, deletes its IAM user"),
    ("deploy", "install"): ("local-write", "installs the CodeDeploy agent on this machine"),
    ("deploy", "uninstall"): ("local-write", "removes the CodeDeploy agent from this machine"),
    ("dlm", "create-default-role"): ("write", "creates an IAM role"),
    ("dsql", "generate-db-connect-auth-token"): ("secret", "v2: presigns a database auth token locally"),
    ("dsql", "generate-db-connect-admin-auth-token"): ("secret", "v2: presigns an admin database auth token locally"),
    ("dynamodb", "wizard"): ("write", "v2: interactive wizard that creates a table"),
    ("ec2-instance-connect", "ssh"): ("write", "v2: pushes an SSH key and opens a shell on an instance"),
    ("ec2-instance-connect", "open-tunnel"): ("write", "v2: opens a tunnel through an EC2 Instance Connect Endpoint"),
    ("ecr", "get-login"): ("secret", "v1 only: prints `docker login -u AWS -p PASSWORD ...`"),
    ("ecr", "get-login-password"): ("secret", "prints a registry password"),
    ("ecr-public", "get-login-password"): ("secret", "prints a registry password"),
    ("ecs", "deploy"): ("write", "registers a task definition and deploys it with CodeDeploy"),
    ("ecs", "execute-command"): ("write", "runs a command or shell in a container (session-manager-plugin)"),
    ("ecs", "monitor-express-gateway-service"): ("read", "v2: watches an Express service's resources"),
    ("eks", "update-kubeconfig"): ("local-write", "reads the cluster (DescribeCluster) and writes ~/.kube/config"),
    ("eks", "get-token"): ("secret", "prints a bearer token for the cluster"),
    ("emr", "add-instance-groups"): ("write", "customised AddInstanceGroups"),
    ("emr", "describe-cluster"): ("read", "customised DescribeCluster"),
    ("emr", "terminate-clusters"): ("write", "terminates clusters"),
    ("emr", "modify-cluster-attributes"): ("write", "changes termination protection, visibility, ..."),
    ("emr", "install-applications"): ("write", "adds steps that install applications"),
    ("emr", "create-cluster"): ("write", "RunJobFlow"),
    ("emr", "add-steps"): ("write", "AddJobFlowSteps"),
    ("emr", "restore-from-hbase-backup"): ("write", "adds a restore step"),
    ("emr", "create-hbase-backup"): ("write", "adds a backup step"),
    ("emr", "schedule-hbase-backup"): ("write", "adds a scheduled backup step"),
    ("emr", "disable-hbase-backups"): ("write", "adds a step that disables backups"),
    ("emr", "create-default-roles"): ("write", "creates IAM roles and instance profile"),
    ("emr", "ssh"): ("write", "SSH to the master node (optionally runs --command)"),
    ("emr", "socks"): ("write", "opens a SOCKS tunnel to the master node"),
    ("emr", "get"): ("read", "copies a file from the master node (scp)"),
    ("emr", "put"): ("write", "copies a file to the master node (scp)"),
    ("emr-containers", "update-role-trust-policy"): ("write", "updates an IAM role's trust policy"),
    ("emr-containers", "create-role-associations"): ("write", "v2: creates EKS pod identity associations"),
    ("emr-containers", "delete-role-associations"): ("write", "v2: deletes EKS pod identity associations"),
    ("events", "wizard"): ("write", "v2: interactive wizard that creates a rule"),
    ("gamelift", "upload-build"): ("write", "creates a build and uploads it"),
    ("gamelift", "get-game-session-log"): ("read", "downloads a game session log to a local file"),
    ("iam", "wizard"): ("write", "v2: interactive wizard that creates a role"),
    ("lambda", "wizard"): ("write", "v2: interactive wizard that creates a function"),
    ("lightsail", "push-container-image"): ("write", "v2: pushes a local image to a container service"),
    ("logs", "start-live-tail"): ("read", "customised StartLiveTail (streams log events)"),
    ("logs", "tail"): ("read", "v2: prints (and follows) log events"),
    ("mturk", "list-hi-ts-for-qualification-type"): ("read", "hidden alias of list-hits-for-qualification-type"),
    ("opsworks", "register"): ("write", "legacy (removed in v1 1.42.19): registers an instance with a stack"),
    ("rds", "generate-db-auth-token"): ("secret", "presigns an IAM database auth token locally"),
    ("rds", "add-option-to-option-group"): ("write", "ModifyOptionGroup with OptionsToInclude"),
    ("rds", "remove-option-from-option-group"): ("write", "ModifyOptionGroup with OptionsToRemove"),
    ("servicecatalog", "generate"): ("write", "`product`/`provisioning-artifact` upload a template and create it"),
    ("signin", "create-o-auth2-token"): ("secret", "hidden alias of create-oauth2-token"),
    ("socialmessaging", "delete-whatsapp-media-message"): ("write", "hidden alias of delete-whatsapp-message-media"),
    ("ssm", "start-session"): ("write", "interactive shell or port forwarding on a node (session-manager-plugin)"),
    ("sso", "login"): ("local-write", "v2: browser sign-in to IAM Identity Center; writes the token cache"),
    ("sso", "logout"): ("local-write", "v2: removes cached Identity Center tokens and credentials"),
}

# The third word of commands that have subcommands of their own (waiters aside: every waiter reads).
SUBCOMMANDS: dict[tuple[str, str, str], tuple[str, str]] = {
    ("codecommit", "credential-helper", "get"): ("secret", "prints a SigV4-signed git password"),
    ("codecommit", "credential-helper", "store"): ("local", "no-op"),
    ("codecommit", "credential-helper", "erase"): ("local", "no-op"),
    ("servicecatalog", "generate", "product"): ("write", "uploads a template to S3 and creates a product"),
    ("servicecatalog", "generate", "provisioning-artifact"): ("write", "uploads a template, creates an artifact"),
}

# Hidden aliases and renames: (service, CLI name) -> (service, the API operation's CLI spelling).
ALIASES: dict[tuple[str, str], tuple[str, str]] = {
    ("cloudwatch", "get-o-tel-enrichment"): ("cloudwatch", "get-otel-enrichment"),
    ("cloudwatch", "start-o-tel-enrichment"): ("cloudwatch", "start-otel-enrichment"),
    ("cloudwatch", "stop-o-tel-enrichment"): ("cloudwatch", "stop-otel-enrichment"),
    ("mturk", "list-hi-ts-for-qualification-type"): ("mturk", "list-hits-for-qualification-type"),
    ("signin", "create-o-auth2-token"): ("signin", "create-oauth2-token"),
    ("socialmessaging", "delete-whatsapp-media-message"): ("socialmessaging", "delete-whatsapp-message-media"),
    ("agent-toolkit", "get-skill-metadata"): ("agent-toolkit", "get-skill"),
    ("agent-toolkit", "list-available-skills"): ("agent-toolkit", "list-skills"),
}

V2_ONLY: frozenset[tuple[str, str | None]] = frozenset({
    ("configure", "import"), ("configure", "list-profiles"), ("configure", "sso"), ("configure", "sso-session"),
    ("configure", "mfa-login"), ("configure", "export-credentials"), ("configure", "agent-toolkit"),
    ("configure", "wizard"),
    ("login", None), ("logout", None), ("ddb", None), ("ddb", "select"), ("ddb", "put"), ("update", None),
    ("cli-dev", None),
    ("agent-toolkit", "get-skill-file"), ("agent-toolkit", "add-skill"), ("agent-toolkit", "list-installed-skills"),
    ("agent-toolkit", "remove-skill"), ("agent-toolkit", "update-skill"), ("agent-toolkit", "get-skill-metadata"),
    ("agent-toolkit", "list-available-skills"),
    ("cloudtrail", "verify-query-results"),
    ("dsql", "generate-db-connect-auth-token"), ("dsql", "generate-db-connect-admin-auth-token"),
    ("dynamodb", "wizard"), ("events", "wizard"), ("iam", "wizard"), ("lambda", "wizard"),
    ("ec2-instance-connect", "ssh"), ("ec2-instance-connect", "open-tunnel"),
    ("ecs", "monitor-express-gateway-service"),
    ("emr-containers", "create-role-associations"), ("emr-containers", "delete-role-associations"),
    ("lightsail", "push-container-image"),
    ("logs", "tail"),
    ("sso", "login"), ("sso", "logout"),
})

V1_ONLY: frozenset[tuple[str, str | None]] = frozenset({
    ("ecr", "get-login"), ("cloudtrail", "create-subscription"), ("cloudtrail", "update-subscription"),
})

LEGACY: frozenset[tuple[str, str | None]] = frozenset({("opsworks", "register")})
