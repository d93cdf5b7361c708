"""The admin Insights page: aggregate, anonymous figures about how Limber is used."""
