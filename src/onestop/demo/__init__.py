"""The demo deployment's data: loaders that nothing else imports (DESIGN "Layers")."""
