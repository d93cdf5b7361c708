"""Exercise media: attaching videos, images and YouTube links to exercises, downloading files
safely in the background, the admin pages that watch the jobs, and serving the files."""
