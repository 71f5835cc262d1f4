"""Scale-up simulator pages: edit a preset scenario, run it as a background job, see charts, a state map, a PDF brief."""
