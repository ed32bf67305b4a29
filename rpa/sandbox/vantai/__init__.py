"""The sandbox road-transport portal (``vantai``): a single-page application for vehicle badges."""
