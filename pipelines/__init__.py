"""Smart-city submissions pipeline: spreadsheets in, a validated warehouse out."""
