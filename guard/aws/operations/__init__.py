"""What each AWS CLI operation does: the API index, the CLI's own commands, the secret-bearing outputs, and the classification that reads them."""
