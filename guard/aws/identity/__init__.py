"""Who a profile really is: the credentials it gets (one provider per source, the CLI's cache) and STS's answer."""
