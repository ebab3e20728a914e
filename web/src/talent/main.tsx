import { createRoot } from 'react-dom/client';
import '../styles/app.css';
import { TalentApp } from './App';

const root = document.getElementById('root');
if (root) createRoot(root).render(<TalentApp />);
