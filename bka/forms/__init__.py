"""WTForms forms. They declare and validate input; they never load or save models."""
